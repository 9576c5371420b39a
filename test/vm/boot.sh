#!/usr/bin/env bash
# Boots the test guest once: `test/vm/boot.sh <image dir> <out dir>`. The checkout (this repository) is shared
# read-only as 9p tag tctopsrc, <out dir> writable as tctopout; the guest runs test/vm/guest/boot.sh and powers off.
# KVM is tried first: where /dev/kvm exists but a nested guest hangs at kernel start (no serial line within
# $TCTOP_VM_KVM_PROBE_SECONDS), qemu is killed and the guest boots under TCG. qemu never outlives this script.
set -euo pipefail
image=${1:?image dir}
out=${2:?out dir}
src=$(cd "$(dirname "$0")/../.." && pwd)
timeout_s=${TCTOP_VM_TIMEOUT:-2400}
probe_s=${TCTOP_VM_KVM_PROBE_SECONDS:-15}
work=$(mktemp -d /tmp/tctop-vm-boot.XXXXXX)
qemu_pid=
cleanup() {
  if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
    kill "$qemu_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$qemu_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$qemu_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Every boot starts from the cached image as built: its writes go to a throw-away overlay.
qemu-img create -q -f qcow2 -b "$image/rootfs.raw" -F raw "$work/overlay.qcow2"
# no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer check can fail and panic the boot
cmdline="root=/dev/vda rw console=ttyS0 loglevel=6 apparmor=0 panic=1 mitigations=off no_timer_check systemd.show_status=0"

start_qemu() { # $1 = kvm | tcg
  local accel
  if [ "$1" = kvm ]; then accel=(-accel kvm -cpu host); else accel=(-accel tcg,thread=multi -cpu max); fi
  : > "$out/console.log"
  # --pdeathsig: qemu dies with this script, even when it is killed outright
  setpriv --pdeathsig KILL qemu-system-x86_64 "${accel[@]}" -machine q35 -smp 2 -m 4096 -nodefaults -display none -no-reboot -nic none \
    -serial "file:$out/console.log" -monitor none -device virtio-rng-pci \
    -kernel "$image/vmlinuz" -initrd "$image/initrd.img" -append "$cmdline" \
    -drive "file=$work/overlay.qcow2,if=virtio,format=qcow2,cache=unsafe" \
    -virtfs "local,path=$src,mount_tag=tctopsrc,security_model=none,readonly=on" \
    -virtfs "local,path=$out,mount_tag=tctopout,security_model=none" \
    2>"$work/qemu.err" &
  qemu_pid=$!
}

stop_qemu() {
  kill "$qemu_pid" 2>/dev/null || true
  wait "$qemu_pid" 2>/dev/null || true
  qemu_pid=
}

t0=$(date +%s.%N)
accel=tcg
if [ -w /dev/kvm ] && [ "${TCTOP_VM_ACCEL:-}" != tcg ]; then
  start_qemu kvm
  for _ in $(seq 1 $((probe_s * 10))); do
    [ -s "$out/console.log" ] && break
    kill -0 "$qemu_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -s "$out/console.log" ]; then accel=kvm
  elif ! kill -0 "$qemu_pid" 2>/dev/null; then
    echo "boot.sh: qemu with KVM exited before the first serial line ($(tail -c 300 "$work/qemu.err" | tr '\n' ' ')); using TCG" >&2
    wait "$qemu_pid" 2>/dev/null || true; qemu_pid=
  else
    echo "boot.sh: KVM gave no serial line in ${probe_s}s (a nested guest hangs at kernel start); using TCG" >&2
    stop_qemu
  fi
fi
if [ "$accel" = tcg ]; then t0=$(date +%s.%N); start_qemu tcg; fi
echo "$accel" > "$out/accel"

deadline=$(( $(date +%s) + timeout_s ))
while kill -0 "$qemu_pid" 2>/dev/null; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "boot.sh: the guest ran longer than ${timeout_s}s; killed" >&2
    stop_qemu
    exit 1
  fi
  sleep 1
done
set +e; wait "$qemu_pid"; rc=$?; set -e
qemu_pid=
echo "$(date +%s.%N) $t0" | awk '{printf "%.1f\n", $1 - $2}' > "$out/qemu-seconds"
if [ "$rc" != 0 ]; then echo "boot.sh: qemu exited $rc: $(cat "$work/qemu.err")" >&2; exit 1; fi
