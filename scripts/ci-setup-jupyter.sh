#!/usr/bin/env bash
# Sets up headless notebook runs (npm run test:notebooks) on Debian/Ubuntu, idempotently:
#   1. Debian's Jupyter (nbclient, nbconvert, jupyter-client) for /usr/bin/python3, and
#      Chromium (the HTML exports are checked in headless Chromium; scripts/ensure-chromium.sh);
#   2. the tslab kernelspec "tslab", registered for this user, starting this checkout's
#      tslab (node_modules/tslab) with this machine's node. tslab then runs the project's
#      own tslab from whatever folder the notebook is in.
# Needs root or sudo for apt-get; skips what is already there. Run from anywhere:
#   bash scripts/ci-setup-jupyter.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PY=/usr/bin/python3
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
if ! "$PY" -c 'import nbclient, nbconvert, nbformat, jupyter_client' >/dev/null 2>&1; then
  missing+=(jupyter-nbconvert python3-nbclient python3-jupyter-client jupyter-client)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "ci-setup-jupyter: installing ${missing[*]}"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${missing[@]}"
fi
# Chromium: the same installer `npm test` runs before its tests.
bash scripts/ensure-chromium.sh >/dev/null

if [ ! -f node_modules/tslab/bin/tslab ]; then
  echo "ci-setup-jupyter: node_modules/tslab is missing; run npm ci first" >&2
  exit 1
fi

# Equivalent to `npx tslab install --python=/usr/bin/python3`, written out because tslab's
# installer needs IPython (not a dependency of Debian's nbclient) and a `tslab` on PATH.
spec_dir="$(mktemp -d)"
trap 'rm -rf "$spec_dir"' EXIT
node_bin="$(command -v node)"
tslab_bin="$(pwd)/node_modules/tslab/bin/tslab"
"$PY" - "$spec_dir" "$node_bin" "$tslab_bin" <<'PYEOF'
import json, sys
spec_dir, node_bin, tslab_bin = sys.argv[1:4]
spec = {
    "argv": [node_bin, tslab_bin, "kernel", "--config-path", "{connection_file}"],
    "display_name": "TypeScript (tslab)",
    "language": "typescript",
}
with open(spec_dir + "/kernel.json", "w") as f:
    json.dump(spec, f, indent=1)
PYEOF
"$PY" -m jupyter kernelspec install --user --replace --name tslab "$spec_dir"
"$PY" -m jupyter kernelspec list 2>/dev/null | grep -E 'tslab' || {
  echo "ci-setup-jupyter: the tslab kernel did not register" >&2
  exit 1
}
