#!/usr/bin/env bash
# Installs and starts what the test suite uses: Docker (with containerd), runc, LXC, systemd-nspawn, Prometheus,
# tmux, busybox-static; builds the local busybox test image. Idempotent. `test/prereqs.sh --stop` stops the daemons
# this script started (and only those).
set -euo pipefail
STATE=/run/tctop-test
mkdir -p "$STATE"

stop() {
  for name in dockerd containerd; do
    f="$STATE/$name.pid"
    if [ -f "$f" ]; then
      pid=$(cat "$f")
      if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
      fi
      rm -f "$f"
    fi
  done
}
if [ "${1:-}" = "--stop" ]; then stop; exit 0; fi

if [ "$(id -u)" != 0 ]; then
  echo "test/prereqs.sh: the integration tests need root (containers, cgroups, mounts)" >&2
  exit 1
fi

packages=(docker.io containerd runc busybox-static lxc systemd-container prometheus tmux iproute2 procps attr nftables docker-registry openssl xz-utils bzip2)
# the cgroup v2 + systemd guest suite (test/vm/): mmdebstrap builds its Debian 13 image, qemu boots it
packages+=(mmdebstrap qemu-system-x86 qemu-utils)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian prometheus package starts a service on :9090 where systemd runs; it is not used by the tests.
# The docker-registry package likewise enables a service on :5000; the registry tests start their own on 127.0.0.1.

if ! docker info >/dev/null 2>&1; then
  echo "starting dockerd"
  nohup dockerd --iptables=false --bridge=none >/var/log/tctop-test-dockerd.log 2>&1 &
  echo $! > "$STATE/dockerd.pid"
  for _ in $(seq 1 150); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start; see /var/log/tctop-test-dockerd.log" >&2; exit 1; }
fi

# A busybox image from the Debian busybox-static binary: no registry needed.
if ! docker image inspect tctop-test/busybox:latest >/dev/null 2>&1; then
  echo "building tctop-test/busybox:latest"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/rootfs/bin" "$tmp/rootfs/etc" "$tmp/rootfs/tmp" "$tmp/rootfs/proc" "$tmp/rootfs/sys" "$tmp/rootfs/dev" "$tmp/rootfs/root"
  cp /bin/busybox "$tmp/rootfs/bin/busybox"
  for app in $(/bin/busybox --list); do [ "$app" = busybox ] || ln -sf busybox "$tmp/rootfs/bin/$app"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$tmp/rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$tmp/rootfs/etc/group"
  tar -C "$tmp/rootfs" -cf "$tmp/rootfs.tar" .
  docker import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' "$tmp/rootfs.tar" tctop-test/busybox:latest >/dev/null
fi
echo "prerequisites ready"
