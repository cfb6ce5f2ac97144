#!/usr/bin/env bash
# Debian packages the tests need: Chromium (headless rendering checks of report.html).
# Idempotent: skips apt when everything is present.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "system packages ready: chromium $( /usr/bin/chromium --version 2>/dev/null | head -1 )"
