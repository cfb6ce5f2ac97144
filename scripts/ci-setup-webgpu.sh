#!/usr/bin/env bash
# Sets up WebGPU on a machine without a GPU, idempotently, for the webgpu tests
# (test/backend/webgpu.test.ts): Mesa's lavapipe, a Vulkan driver that runs on the CPU, which
# Dawn (the npm package `webgpu`) accepts as a fallback adapter.
#   - Dawn refuses Mesa 22 (Debian bookworm's own: no shaderUniform*ArrayDynamicIndexing);
#     Mesa 23 or newer works. On bookworm this takes Mesa 25 from bookworm-backports, whose
#     apt source it adds once (/etc/apt/sources.list.d/kalelab-bookworm-backports.sources).
#   - Elsewhere (Debian trixie, Ubuntu 24.04, ...) the distribution's own Mesa is new enough.
# Needs root or sudo for apt-get; does nothing when a new enough lavapipe is installed.
#   bash scripts/ci-setup-webgpu.sh
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
MIN_MESA_MAJOR=23

mesa_major() {
  dpkg-query -W -f='${Status} ${Version}\n' mesa-vulkan-drivers 2>/dev/null |
    awk '$3 == "installed" { split($4, v, /[.:-]/); print (index($4, ":") ? v[2] : v[1]) }' ||
    true # not installed: dpkg-query fails, and that is the answer
}

have="$(mesa_major)"
if [ -n "$have" ] && [ "$have" -ge "$MIN_MESA_MAJOR" ] && dpkg-query -W libvulkan1 >/dev/null 2>&1 &&
  ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1; then
  echo "ci-setup-webgpu: lavapipe (Mesa $have) already installed"
  exit 0
fi

codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
target=()
if [ "$codename" = "bookworm" ]; then
  src=/etc/apt/sources.list.d/kalelab-bookworm-backports.sources
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "ci-setup-webgpu: adding bookworm-backports ($src)"
    printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm-backports' \
      'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
      $SUDO tee "$src" >/dev/null
  fi
  target=(-t bookworm-backports)
fi

echo "ci-setup-webgpu: installing libvulkan1 mesa-vulkan-drivers ${target[*]}"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${target[@]}" \
  libvulkan1 mesa-vulkan-drivers

have="$(mesa_major)"
if [ -z "$have" ] || [ "$have" -lt "$MIN_MESA_MAJOR" ]; then
  echo "ci-setup-webgpu: got Mesa ${have:-none}; Dawn needs Mesa $MIN_MESA_MAJOR or newer" >&2
  exit 1
fi
echo "ci-setup-webgpu: lavapipe (Mesa $have) installed"
