#!/usr/bin/env bash
# Installs what the guest suite (test/vm/) needs on the host: mmdebstrap builds the Debian 13 image, qemu boots it.
# Idempotent; needs root.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then echo "test/vm/prereqs.sh: the guest suite needs root (image build, qemu)" >&2; exit 1; fi
packages=(mmdebstrap qemu-system-x86 qemu-utils e2fsprogs util-linux)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
