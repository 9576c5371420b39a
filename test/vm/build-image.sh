#!/usr/bin/env bash
# Builds the Debian 13 (trixie) test guest from Debian packages alone (mmdebstrap, no bootloader): a raw ext4 root
# made without mounting (mke2fs -d), and the kernel and initrd taken out of it for qemu's -kernel/-initrd.
# Cached in $TCTOP_VM_CACHE (default /var/cache/tctop-test/vm)/<key>, key = hash of this script and packages.txt;
# built in a temporary directory and renamed into place, so a half-built image is never used.
# Prints the image directory (holding rootfs.raw, vmlinuz, initrd.img) on its last line of stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${TCTOP_VM_CACHE:-/var/cache/tctop-test/vm}
key=$(cat "$here/build-image.sh" "$here/packages.txt" | sha256sum | cut -c1-16)
image="$cache/$key"
if [ -f "$image/rootfs.raw" ]; then echo "$image"; exit 0; fi

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9 # another build of the same cache finishes first
if [ -f "$image/rootfs.raw" ]; then echo "$image"; exit 0; fi

# The mirror the host's apt uses (it serves trixie too).
mirror=$(grep -rhoE '(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
  | grep -v security | head -1 | grep -oE 'https?://[^ ]+' || true)
mirror=${mirror:-http://deb.debian.org/debian}
packages=$(grep -vE '^\s*(#|$)' "$here/packages.txt" | paste -sd, -)

work=$(mktemp -d "$cache/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
echo "building the test guest image $key from $mirror (trixie)" >&2
# Everything the guest needs is configured here; what it runs is read from the checkout at boot (test/vm/guest/).
mmdebstrap --mode=root --variant=apt --format=directory --include="$packages" \
  --essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d"; echo COMPRESS=zstd > "$1/etc/initramfs-tools/conf.d/compress"' \
  --customize-hook='echo tctop-vm > "$1/etc/hostname"; printf "127.0.0.1 localhost\n127.0.1.1 tctop-vm\n" > "$1/etc/hosts"' \
  --customize-hook='chroot "$1" passwd -d root >/dev/null' \
  --customize-hook='chroot "$1" useradd -m -u 1000 -s /bin/sh tctopu; echo tctopu:100000:65536 > "$1/etc/subuid"; \
    echo tctopu:100000:65536 > "$1/etc/subgid"; mkdir -p "$1/var/lib/systemd/linger"; touch "$1/var/lib/systemd/linger/tctopu"' \
  --customize-hook='mkdir -p "$1/src" "$1/out"; printf "%s\n" \
    "/dev/vda / ext4 rw,errors=remount-ro 0 0" \
    "tctopsrc /src 9p trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose 0 0" \
    "tctopout /out 9p trans=virtio,version=9p2000.L,rw,msize=262144 0 0" > "$1/etc/fstab"' \
  --customize-hook='printf "9p\n9pnet_virtio\noverlay\n" > "$1/etc/modules-load.d/tctop-vm.conf"' \
  --customize-hook='mkdir -p "$1/etc/docker"; printf "%s\n" "{\"exec-opts\": [\"native.cgroupdriver=systemd\"], \"iptables\": false, \"ip6tables\": false, \"bridge\": \"none\"}" > "$1/etc/docker/daemon.json"' \
  --customize-hook='printf "%s\n" "[Unit]" "Description=tctop guest test suite (reads /src, writes /out, powers off)" \
    "Requires=src.mount out.mount" "After=src.mount out.mount docker.service containerd.service systemd-machined.service" \
    "[Service]" "Type=oneshot" "ExecStart=/bin/sh /src/test/vm/guest/boot.sh" "StandardOutput=journal+console" "StandardError=journal+console" \
    "TimeoutStartSec=infinity" \
    "[Install]" "WantedBy=multi-user.target" > "$1/etc/systemd/system/tctop-guest-suite.service"' \
  --customize-hook='chroot "$1" systemctl enable tctop-guest-suite.service >/dev/null 2>&1' \
  --customize-hook='chroot "$1" systemctl set-default multi-user.target >/dev/null 2>&1' \
  --customize-hook='for u in apt-daily.timer apt-daily-upgrade.timer man-db.timer e2scrub_all.timer fstrim.timer dpkg-db-backup.timer \
      prometheus.service prometheus-node-exporter.service lxc-net.service lxc.service podman-restart.service \
      systemd-timesyncd.service; do chroot "$1" systemctl disable "$u" >/dev/null 2>&1 || true; done' \
  --customize-hook='ls "$1"/boot/vmlinuz-* "$1"/boot/initrd.img-* >/dev/null' \
  trixie "$work/root" "$mirror" >&2

cp "$(ls "$work"/root/boot/vmlinuz-* | sort -V | tail -1)" "$work/vmlinuz"
cp "$(ls "$work"/root/boot/initrd.img-* | sort -V | tail -1)" "$work/initrd.img"
# Room for the images and containers the guest makes (the raw file is sparse; each boot writes to an overlay).
size_mb=$(( $(du -sm "$work/root" | cut -f1) + 3072 ))
mke2fs -q -t ext4 -L tctop-vm -d "$work/root" "$work/rootfs.raw" "${size_mb}M"
rm -rf "$work/root"
grep -vE '^\s*(#|$)' "$here/packages.txt" > "$work/packages.txt"
echo "$(( $(date +%s) - start ))" > "$work/build-seconds"
mv -T "$work" "$image"
trap - EXIT
# Older keys are of no further use.
find "$cache" -mindepth 1 -maxdepth 1 -type d ! -name "$key" ! -name '.build.*' -exec rm -rf {} + 2>/dev/null || true
echo "built the test guest image in $(cat "$image/build-seconds") s" >&2
echo "$image"
