#!/usr/bin/env bash
# Makes sure a Chromium is there for the tests and notebook runs that render HTML in it
# (report.html, notebook exports), and prints its path on stdout (nothing else goes there).
#   - KALELAB_CHROMIUM set: that file, which must be executable;
#   - else `chromium` on PATH;
#   - else, on Debian/Ubuntu as root or with password-less sudo: apt-get install chromium;
#   - else: exits 1 with the one command to run.
# `npm test` runs it before any test (scripts/test-setup.ts); scripts/ci-setup-jupyter.sh too.
set -euo pipefail

fail() {
  printf 'ensure-chromium: %s\n' "$*" >&2
  exit 1
}

if [ -n "${KALELAB_CHROMIUM:-}" ]; then
  [ -f "$KALELAB_CHROMIUM" ] && [ -x "$KALELAB_CHROMIUM" ] ||
    fail "KALELAB_CHROMIUM=$KALELAB_CHROMIUM is not an executable file; point it at a Chromium binary or unset it"
  printf '%s\n' "$KALELAB_CHROMIUM"
  exit 0
fi

if path="$(command -v chromium)"; then
  printf '%s\n' "$path"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 ||
  fail "Chromium is missing and this is not a Debian/Ubuntu machine: install Chromium, then run with KALELAB_CHROMIUM=/path/to/chromium"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  fail "Chromium is missing and installing it needs root; run:  sudo apt-get install -y chromium"
fi

echo "ensure-chromium: Chromium is missing; installing Debian's chromium package (apt-get)" >&2
${sudo[@]+"${sudo[@]}"} apt-get update >&2
DEBIAN_FRONTEND=noninteractive ${sudo[@]+"${sudo[@]}"} apt-get install -y chromium >&2
path="$(command -v chromium)" ||
  fail "apt-get installed chromium, but there is no chromium on PATH ($PATH); run with KALELAB_CHROMIUM=/usr/bin/chromium"
printf '%s\n' "$path"
