#!/bin/sh
# Runs inside the test guest at boot (tctop-guest-suite.service, made by test/vm/build-image.sh): starts one
# container per runtime from a busybox-static rootfs (no registry), captures their real cgroup v2 files, runs the
# guest suite (dist/test/vm/guest/suite.js, one node process), leaves everything in /out and powers off.
# /out/setup.txt has one line per setup step, "ok <step>" or "FAIL <step>: <output>"; the suite reports each.
out=/out
S=$out/setup.txt
: > "$S"
cut -d' ' -f1 /proc/uptime > "$out/boot-seconds"
export HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
cd /src || exit 1
exec >"$out/guest.log" 2>&1
dmesg -n 4 # the kernel's info lines (an OOM kill's report) on an emulated serial console cost seconds

elapsed() { awk -v a="$1" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN{printf "%.1f", b - a}'; }
step() { # step <name> <command...>: runs it, records ok or FAIL with the command's output, and its time
  name=$1; shift
  t_step=$(cut -d' ' -f1 /proc/uptime)
  if o=$("$@" 2>&1); then echo "ok $name" >> "$S"; else echo "FAIL $name: $(printf %s "$o" | tail -c 1500 | tr '\n' ' ')" >> "$S"; fi
  echo "$name $(elapsed "$t_step")" >> "$out/step-seconds"
  printf '== %s\n%s\n' "$name" "$o"
}
t_setup=$(cut -d' ' -f1 /proc/uptime)

# A busybox-static root filesystem: the image every runtime runs.
bb=/var/tmp/bb
mkdir -p $bb/rootfs/bin $bb/rootfs/sbin $bb/rootfs/etc $bb/rootfs/tmp $bb/rootfs/var/tmp $bb/rootfs/proc $bb/rootfs/sys \
  $bb/rootfs/dev $bb/rootfs/root $bb/rootfs/usr
cp /bin/busybox $bb/rootfs/bin/busybox
for app in $(/bin/busybox --list); do [ "$app" = busybox ] || ln -sf busybox "$bb/rootfs/bin/$app"; done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > $bb/rootfs/etc/passwd
printf 'root:x:0:\nnogroup:x:65534:\n' > $bb/rootfs/etc/group
tar -C $bb/rootfs --owner=0 --group=0 -cf $bb/rootfs.tar .

# Processes started next to each container's init (exec, attach, a payload's child) sleep 900N seconds, longer than
# the guest may live (test/vm/boot.sh's timeout), so a slow setup cannot see them end before the checks.
# What each container runs: a CPU burst (throttled by its quota), file writes that reach the disk (io.stat),
# page cache (memory.stat file), then an idle sleep, so later reads of its figures are stable.
WORK='i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; dd if=/dev/zero of=/w bs=1M count=8 conv=fsync 2>/dev/null; cat /w >/dev/null; exec sleep 100000'
LIMITS="--memory 256m --cpus 0.2 --pids-limit 64"

step docker-import docker import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' $bb/rootfs.tar tctop-test/busybox:latest
step docker-run docker run -d --pull never --name vm-docker $LIMITS tctop-test/busybox:latest sh -c "$WORK"
step docker-exec docker exec -d vm-docker sleep 9001

step podman-import podman import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' $bb/rootfs.tar localhost/tctop-test/busybox:latest
step podman-run podman run -d --pull never --network none --name vm-podman $LIMITS localhost/tctop-test/busybox:latest sh -c "$WORK"
step podman-exec podman exec -d vm-podman sleep 9002

# Rootless podman: user tctopu (uid 1000, subuids/subgids and linger from the image, so logind starts its
# user@1000.service at boot), the same tarball imported into its own storage (~/.local/share/containers).
ruid=1000
asuser() { runuser -u tctopu -- env -C /home/tctopu HOME=/home/tctopu XDG_RUNTIME_DIR=/run/user/$ruid \
  DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$ruid/bus "$@"; }
step rootless-session sh -c "for i in \$(seq 1 300); do systemctl is-active -q user@$ruid.service && [ -S /run/user/$ruid/bus ] && exit 0; sleep 0.2; done; systemctl status --no-pager user@$ruid.service; exit 1"
step rootless-import asuser podman import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' $bb/rootfs.tar localhost/tctop-test/busybox:latest
step rootless-run asuser podman run -d --pull never --network none --name vm-podman-user localhost/tctop-test/busybox:latest sleep 100000
step rootless-exec asuser podman exec -d vm-podman-user sleep 9007

step ctr-import sh -c 'docker save tctop-test/busybox:latest | ctr -n k8s.io images import -'
step ctr-run ctr -n k8s.io run -d docker.io/tctop-test/busybox:latest vm-ctr sh -c "$WORK"
step ctr-exec ctr -n k8s.io task exec -d --exec-id extra vm-ctr sleep 9003

# systemd-nspawn under systemd, registered with machined (its own scope in machine.slice).
mkdir -p /var/lib/machines && cp -a $bb/rootfs /var/lib/machines/vm-nspawn
step nspawn-run systemd-run --unit=vm-nspawn --service-type=simple systemd-nspawn -q --register=yes -D /var/lib/machines/vm-nspawn \
  -M vm-nspawn /bin/sh -c 'sleep 9004 & exec sleep 100000'
step nspawn-registered sh -c 'for i in $(seq 1 100); do machinectl show vm-nspawn -p Leader >/dev/null 2>&1 && exit 0; sleep 0.2; done; machinectl list; exit 1'

# LXC 6 under systemd: the packaged lxc@.service (lxc-start -F, Delegate=yes).
mkdir -p /var/lib/lxc/vm-lxc && cp -a $bb/rootfs /var/lib/lxc/vm-lxc/rootfs
printf '%s\n' 'lxc.uts.name = vm-lxc' 'lxc.rootfs.path = dir:/var/lib/lxc/vm-lxc/rootfs' 'lxc.net.0.type = empty' \
  'lxc.apparmor.profile = unconfined' 'lxc.mount.auto = proc:mixed sys:mixed' 'lxc.init.cmd = /bin/sleep 100000' \
  > /var/lib/lxc/vm-lxc/config
step lxc-run systemctl start lxc@vm-lxc.service
step lxc-running sh -c 'for i in $(seq 1 100); do [ "$(lxc-info -n vm-lxc -s -H)" = RUNNING ] && exit 0; sleep 0.2; done; journalctl -u lxc@vm-lxc --no-pager | tail -20; exit 1'
lxc-attach -n vm-lxc -- /bin/sleep 9005 </dev/null >/dev/null 2>&1 &

# tctop's own engine.
export TCTOP_ROOT=/var/lib/tctop
step own-import bin/tctop import $bb/rootfs.tar busybox:latest -c 'CMD ["/bin/sh"]'
step own-run bin/tctop run -d --name vm-own $LIMITS busybox:latest sh -c "$WORK"
bin/tctop exec vm-own sleep 9006 </dev/null >/dev/null 2>&1 &

# Let the workloads reach their idle sleep (bounded).
for i in $(seq 1 120); do
  n=$(ps -eo args | grep -cE '^(/bin/)?sleep 100000$')
  [ "$n" -ge 7 ] && break
  sleep 1
done
echo "setup-seconds $(elapsed "$t_setup")" >> "$out/times"

# The real cgroup v2 files of each container, for the fixtures (test/fixtures/hosts/README.md).
cap=$out/captured
mkdir -p $cap
capture() { # capture <cgroup path>
  path=$1
  dir=$cap/$(echo "$path" | tr '/' '_')
  mkdir -p "$dir"
  echo "$path" > "$dir/PATH"
  cat /proc/$pid/cgroup > "$dir/proc-pid-cgroup"
  ls -1 "/sys/fs/cgroup$path" > "$dir/LISTING"
  for f in /sys/fs/cgroup$path/*; do
    [ -f "$f" ] && [ -r "$f" ] && case "$(basename "$f")" in *.reclaim|*.kill|cgroup.procs|cgroup.threads) ;; *) timeout 2 cat "$f" > "$dir/$(basename "$f")" 2>/dev/null ;; esac
  done
}
ps -eo pid,args | awk '($2 == "sleep" || $2 == "/bin/sleep") && $3 == "100000" && NF == 3 {print $1}' | while read -r pid; do
  path=$(sed -n 's/^0:://p' /proc/$pid/cgroup)
  capture "$path"
  # podman's payload sits in a child of the scope that holds its limits: keep the scope too
  case "$path" in */container) capture "${path%/container}" ;; esac
done
cat /sys/fs/cgroup/cgroup.subtree_control > $cap/root-subtree_control
# rootless podman's own containers.json (storage under the user's home), as discovery reads it
cp /home/tctopu/.local/share/containers/storage/overlay-containers/containers.json $cap/rootless-containers.json 2>/dev/null
find /sys/fs/cgroup -maxdepth 3 -type d | sed 's|^/sys/fs/cgroup||' | sort > $cap/tree.txt

t_suite=$(cut -d' ' -f1 /proc/uptime)
node --test-reporter=/src/dist/test/vm/guest/reporter.js --test-reporter-destination="$out/results.jsonl" \
  --test-reporter=spec --test-reporter-destination=stdout dist/test/vm/guest/suite.js
echo "suite-exit $?" >> "$out/times"
echo "suite-seconds $(elapsed "$t_suite")" >> "$out/times"
journalctl -b --no-pager > "$out/journal.txt" 2>&1
sync
# Nothing in the guest is kept (its disk is a throw-away overlay; /out is written through): power off at once
# rather than wait for every container's stop timeout.
systemctl poweroff -ff
