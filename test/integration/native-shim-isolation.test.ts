// What the container's init sees and may do: its own namespaces, a fresh /proc, the standard /dev, /sys
// read-only, runc's masked and read-only paths, no way back to the host's files, Docker's default
// capabilities, no inherited fds; read-only rootfs, volumes, host network, users, working dir, environment.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { needRootAndBusybox, startBox, stdoutOf, waitExit, type Box, type BoxOptions } from './native-shim-harness.js';

const DOCKER_CAPS = '00000000a80425fb';
const READONLY = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];
const MASKED = [
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

/** Runs a script of `section <name>; <commands>` steps in a container; returns each section's output. */
async function probe(
  t: TestContext,
  steps: Record<string, string>,
  opts: Partial<BoxOptions> = {},
): Promise<{ box: Box; out: Record<string, string>; code: number }> {
  const script = Object.entries(steps)
    .map(([name, cmd]) => `echo "@@${name}"; { ${cmd} ; } 2>&1; echo`)
    .join('\n');
  const box = await startBox(t, { args: ['sh', '-c', script], ...opts });
  const exit = await waitExit(box);
  const out: Record<string, string> = {};
  let current = '';
  for (const line of stdoutOf(box).split('\n')) {
    if (line.startsWith('@@')) current = line.slice(2);
    else if (current) out[current] = (out[current] ?? '') + line + '\n';
  }
  for (const k of Object.keys(out)) out[k] = out[k].trimEnd();
  return { box, out, code: exit.exitCode };
}

function capsOf(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/^(Cap\w+|NoNewPrivs):\s+(\S+)$/gm)].map((m) => [m[1], m[2]]));
}

test('isolation: own pid mnt uts ipc cgroup net namespaces; loopback up and alone; the hostname', async (t) => {
  if (needRootAndBusybox(t)) return;
  const box = await startBox(t, { args: ['sh', '-c', 'ip -o link; hostname; echo ready; sleep 30'], hostname: 'boxy' });
  await new Promise((r) => setTimeout(r, 200));
  for (const ns of ['pid', 'mnt', 'uts', 'ipc', 'cgroup', 'net'])
    assert.notEqual(readlinkSync(`/proc/${box.pid}/ns/${ns}`), readlinkSync(`/proc/self/ns/${ns}`), `own ${ns} namespace`);
  const out = stdoutOf(box).trim().split('\n');
  assert.equal(out.length, 3, stdoutOf(box));
  assert.match(out[0], /^1: lo: <LOOPBACK,UP,LOWER_UP>/);
  assert.equal(out[1], 'boxy');
  process.kill(box.pid, 'SIGKILL');
  await waitExit(box);
});

test('isolation: --network host keeps the host net namespace (and its interfaces) but not the others', async (t) => {
  if (needRootAndBusybox(t)) return;
  const { box, out } = await probe(
    t,
    { ifaces: 'ls /sys/class/net | sort', sysro: 'touch /sys/kernel/x || true', netns: 'readlink /proc/self/ns/net' },
    { network: 'host' },
  );
  assert.equal(out.ifaces, readdirSync('/sys/class/net').sort().join('\n'));
  assert.equal(out.netns, readlinkSync('/proc/self/ns/net'));
  assert.match(out.sysro, /Read-only file system/);
  assert.notEqual(readFileSync(join(box.dir, 'launch.conf'), 'utf8').match(/^network host$/m), null);
});

test("isolation: a fresh /proc (only the container's processes), /dev nodes, /sys read-only, masked and read-only /proc paths", async (t) => {
  if (needRootAndBusybox(t)) return;
  const { out, code } = await probe(t, {
    ps: 'ps -o pid,comm | tail -n +2',
    dev: 'ls -A /dev | sort | tr "\\n" " "',
    nodes: 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T" /dev/$d; done',
    links: 'for l in fd stdin stdout stderr ptmx; do echo $l $(readlink /dev/$l); done',
    devio: 'echo x > /dev/null && head -c 3 /dev/zero | od -An -tx1 && head -c 8 /dev/urandom | wc -c',
    full: 'echo x > /dev/full || echo write-failed',
    pts: 'grep " /dev/pts " /proc/self/mounts',
    shm: 'touch /dev/shm/f && echo shm-ok',
    mounts: 'grep -E " /(sys|proc|dev|dev/shm|dev/mqueue) " /proc/self/mounts | cut -d" " -f2,3,4 | sort',
    sysw: 'touch /sys/kernel/x || true',
    masked: `for p in ${MASKED.join(' ')}; do if [ -d $p ]; then echo "$p dir $(ls -A $p | wc -l)"; elif [ -e $p ]; then echo "$p file $(wc -c < $p)"; else echo "$p absent"; fi; done`,
    acpi: 'touch /proc/acpi/x || true',
    procsys: 'echo 1 > /proc/sys/vm/drop_caches || true',
    readonly: `for p in ${READONLY.join(' ')}; do [ -e $p ] && grep " $p " /proc/self/mounts | cut -d" " -f2,4 | cut -d, -f1; done`,
    firmware: 'ls -A /sys/firmware | wc -l',
  });
  assert.equal(code, 0);
  const ps = out.ps.split('\n').map((l) => l.trim().split(/\s+/));
  assert.equal(ps[0][0], '1');
  assert.equal(ps[0][1], 'sh');
  assert.ok(ps.length <= 4, `only the container's processes: ${out.ps}`);
  for (const d of ['null', 'zero', 'full', 'random', 'urandom', 'tty', 'pts', 'shm', 'mqueue', 'ptmx', 'fd', 'stdin', 'stdout', 'stderr'])
    assert.ok(out.dev.split(' ').includes(d), `/dev/${d} in ${out.dev}`);
  assert.equal(
    out.nodes,
    [
      'null character special file 1:3',
      'zero character special file 1:5',
      'full character special file 1:7',
      'random character special file 1:8',
      'urandom character special file 1:9',
      'tty character special file 5:0',
    ]
      .map((s) => `/dev/${s}`)
      .join('\n'),
  );
  assert.equal(out.links, 'fd /proc/self/fd\nstdin /proc/self/fd/0\nstdout /proc/self/fd/1\nstderr /proc/self/fd/2\nptmx pts/ptmx');
  assert.equal(out.devio.trim(), '00 00 00\n8');
  assert.match(out.full, /No space left on device/);
  assert.match(out.pts, /devpts \/dev\/pts devpts rw,nosuid,noexec,.*ptmxmode=666/);
  assert.equal(out.shm, 'shm-ok');
  assert.match(out.mounts, /^\/dev tmpfs rw,nosuid/m);
  assert.match(out.mounts, /^\/dev\/mqueue mqueue rw,nosuid,nodev,noexec/m);
  assert.match(out.mounts, /^\/dev\/shm tmpfs rw,nosuid,nodev,noexec/m);
  assert.match(out.mounts, /^\/proc proc rw,nosuid,nodev,noexec/m);
  assert.match(out.mounts, /^\/sys sysfs ro,nosuid,nodev,noexec/m);
  assert.match(out.sysw, /Read-only file system/);
  const expectMasked = MASKED.map((p) => `${p} ${!existsSync(p) ? 'absent' : statSync(p).isDirectory() ? 'dir 0' : 'file 0'}`);
  assert.equal(out.masked, expectMasked.join('\n'), 'masked: a dir is an empty read-only tmpfs, a file /dev/null');
  assert.ok(expectMasked.filter((m) => !m.endsWith('absent')).length >= 2, 'this kernel has something to mask');
  assert.match(out.acpi, /Read-only file system/);
  assert.match(out.procsys, /Read-only file system/);
  const expectRo = READONLY.filter((p) => existsSync(p)).map((p) => `${p} ro`);
  assert.ok(expectRo.length >= 3);
  assert.equal(out.readonly, expectRo.join('\n'));
  assert.equal(out.firmware, '0');
});

test("isolation: pivot_root leaves no path to the host; /proc/1/exe is the container's program; the cgroup namespace hides the host path", async (t) => {
  if (needRootAndBusybox(t)) return;
  const marker = `host-marker-${process.pid}`;
  const { box, out } = await probe(
    t,
    {
      marker: `find / -xdev -name "${marker}*" 2>/dev/null | wc -l`,
      root: 'ls -A / | sort | tr "\\n" " "',
      exe: 'readlink /proc/1/exe',
      mountpoints: 'cut -d" " -f5 /proc/self/mountinfo | grep -c tctop-shim- || true',
      overlay:
        'grep tctop-shim- /proc/self/mountinfo | sed "s/^[^ ]* [^ ]* [^ ]* [^ ]* \\([^ ]*\\) .* - \\([^ ]*\\) \\([^ ]*\\) .*/\\1 \\2 \\3/"',
      cgroup: 'cut -d: -f3 /proc/self/cgroup | sort -u',
      chroot: 'cd / && cd .. && ls -A | sort | tr "\\n" " "',
    },
    { prepare: (tmp) => writeFileSync(join(tmp, `${marker}.txt`), 'x') },
  );
  assert.equal(out.marker, '0');
  assert.equal(out.root, 'bin dev etc home proc root sys tmp');
  assert.equal(out.exe, '/bin/busybox');
  assert.equal(out.mountpoints, '0', 'no mount point is a host path');
  assert.equal(out.overlay, '/ overlay overlay', 'only the rootfs overlay names its host layer dirs (in its options, as with docker)');
  assert.equal(out.cgroup, '/');
  assert.equal(out.chroot, out.root);
  assert.ok(existsSync(join(box.tmp, `${marker}.txt`)));
});

test("isolation: root keeps exactly Docker's default capabilities, no_new_privs, nothing inheritable or ambient", async (t) => {
  if (needRootAndBusybox(t)) return;
  const { out } = await probe(t, {
    caps: 'grep -E "^(Cap|NoNewPrivs)" /proc/self/status',
    mknod: 'mknod /tmp/n c 1 3 && echo mknod-ok',
    mount: 'mount -t tmpfs none /mnt 2>&1 || mkdir -p /mnt2 && mount -t tmpfs none /mnt2 || echo mount-denied',
    chown: 'touch /tmp/f && chown 1:1 /tmp/f && echo chown-ok',
    id: 'id',
  });
  const caps = capsOf(out.caps);
  assert.deepEqual(caps, {
    CapInh: '0000000000000000',
    CapPrm: DOCKER_CAPS,
    CapEff: DOCKER_CAPS,
    CapBnd: DOCKER_CAPS,
    CapAmb: '0000000000000000',
    NoNewPrivs: '1',
  });
  assert.equal(out.mknod, 'mknod-ok');
  assert.match(out.mount, /mount-denied/);
  assert.equal(out.chown, 'chown-ok');
  assert.equal(out.id, 'uid=0(root) gid=0(root)', "supplementary groups are exactly launch.conf's (none here)");
});

test('isolation: fds the caller leaks into the shim never reach the container', async (t) => {
  if (needRootAndBusybox(t)) return;
  const leak = openSync('/etc/hostname', 'r');
  t.after(() => closeSync(leak));
  const box = await startBox(t, { args: ['sleep', '30'], leakFds: [leak] });
  assert.deepEqual(readdirSync(`/proc/${box.pid}/fd`).sort(), ['0', '1', '2']);
  assert.equal(readlinkSync(`/proc/${box.pid}/fd/0`), '/dev/null');
  assert.match(readlinkSync(`/proc/${box.pid}/fd/1`), /^pipe:/);
  assert.match(readlinkSync(`/proc/${box.pid}/fd/2`), /^pipe:/);
  process.kill(box.pid, 'SIGKILL');
  await waitExit(box);
});

test('isolation: a non-root user has no capabilities (bounding set still the default), its groups, and the working dir is created', async (t) => {
  if (needRootAndBusybox(t)) return;
  const { out } = await probe(
    t,
    { caps: 'grep -E "^(Cap|NoNewPrivs)" /proc/self/status', id: 'id', pwd: 'pwd', write: 'touch /etc/x || true' },
    { uid: 65534, gid: 65534, groups: [65534, 10], cwd: '/work/dir' },
  );
  assert.deepEqual(capsOf(out.caps), {
    CapInh: '0000000000000000',
    CapPrm: '0000000000000000',
    CapEff: '0000000000000000',
    CapBnd: DOCKER_CAPS,
    CapAmb: '0000000000000000',
    NoNewPrivs: '1',
  });
  assert.equal(out.id, 'uid=65534(nobody) gid=65534(nogroup) groups=10,65534(nogroup)');
  assert.equal(out.pwd, '/work/dir');
  assert.match(out.write, /Permission denied/);
});

test("isolation: the environment is exactly launch.conf's, PATH from it resolves argv[0]", async (t) => {
  if (needRootAndBusybox(t)) return;
  const box = await startBox(t, { args: ['env'], env: ['PATH=/bin', 'A=1 2', 'EMPTY=', 'NL=x\ny'] });
  await waitExit(box);
  assert.equal(stdoutOf(box), 'PATH=/bin\nA=1 2\nEMPTY=\nNL=x\ny\n');
});

test('isolation: --read-only rootfs (tmpfs mounts stay writable); -v binds ro and rw, of dirs and files, targets created', async (t) => {
  if (needRootAndBusybox(t)) return;
  const { box, out } = await probe(
    t,
    {
      rootw: 'touch /newfile || true',
      shm: 'touch /dev/shm/x && echo shm-ok',
      roread: 'cat /data/ro/file',
      rowrite: 'touch /data/ro/x || true',
      rwwrite: 'echo hello > /data/rw/new && echo rw-ok',
      file: 'cat /etc/conf.txt; echo more >> /etc/conf.txt && echo file-rw',
      deep: 'ls -A /a/b/c',
      mounts: 'grep -E " /(data/ro|data/rw|etc/conf.txt|a/b/c|) " /proc/self/mounts | cut -d" " -f2,4 | cut -d, -f1 | sort',
    },
    {
      readOnly: true,
      prepare: (tmp) => {
        mkdirSync(join(tmp, 'ro'));
        writeFileSync(join(tmp, 'ro', 'file'), 'from host\n');
        mkdirSync(join(tmp, 'rw'));
        writeFileSync(join(tmp, 'conf.txt'), 'conf\n');
        mkdirSync(join(tmp, 'deep'));
        writeFileSync(join(tmp, 'deep', 'z'), '');
      },
      binds: (tmp) => [
        { source: join(tmp, 'ro'), destination: '/data/ro', readOnly: true },
        { source: join(tmp, 'rw'), destination: '/data/rw', readOnly: false },
        { source: join(tmp, 'conf.txt'), destination: '/etc/conf.txt', readOnly: false },
        { source: join(tmp, 'deep'), destination: '/a/b/c', readOnly: true },
      ],
    },
  );
  assert.match(out.rootw, /Read-only file system/);
  assert.equal(out.shm, 'shm-ok');
  assert.equal(out.roread, 'from host');
  assert.match(out.rowrite, /Read-only file system/);
  assert.equal(out.rwwrite, 'rw-ok');
  assert.equal(readFileSync(join(box.tmp, 'rw', 'new'), 'utf8'), 'hello\n');
  assert.equal(out.file, 'conf\nfile-rw');
  assert.equal(readFileSync(join(box.tmp, 'conf.txt'), 'utf8'), 'conf\nmore\n');
  assert.equal(out.deep, 'z');
  assert.equal(out.mounts, '/ ro\n/a/b/c ro\n/data/ro ro\n/data/rw rw\n/etc/conf.txt rw');
});

test('overlay: 60 layers with long paths (options beyond a page) stack top-most first; whiteouts hide lower files', async (t) => {
  if (needRootAndBusybox(t)) return;
  const { box, out } = await probe(
    t,
    {
      files: 'ls /stack | sort -n | tr "\\n" " "',
      who: 'cat /who',
      gone: 'ls /etc/group || true',
      upper: 'echo new > /written && echo ok',
    },
    {
      upperLayers: (tmp) => {
        const layers: string[] = [];
        for (let i = 59; i >= 0; i--) {
          const dir = join(tmp, 'images', 'layers', 'sha256', createHash('sha256').update(String(i)).digest('hex'), 'diff');
          mkdirSync(join(dir, 'stack'), { recursive: true });
          writeFileSync(join(dir, 'stack', String(i)), '');
          writeFileSync(join(dir, 'who'), `layer ${i}\n`);
          if (i === 30) {
            mkdirSync(join(dir, 'etc'));
            assert.equal(spawnSync('mknod', [join(dir, 'etc', 'group'), 'c', '0', '0']).status, 0, 'whiteout');
          }
          layers.push(dir);
        }
        const total = layers.reduce((n, l) => n + l.length + 1, 0);
        assert.ok(total > 4096, `layer paths take ${total} bytes`);
        return layers;
      },
    },
  );
  assert.equal(
    out.files,
    Array.from({ length: 60 }, (_, i) => `${i} `)
      .join('')
      .trimEnd(),
  );
  assert.equal(out.who, 'layer 59', 'the first lowerdir is the top-most');
  assert.match(out.gone, /No such file or directory/);
  assert.equal(out.upper, 'ok');
  assert.equal(readFileSync(join(box.dir, 'upper', 'written'), 'utf8'), 'new\n', 'writes land in the upper dir');
});
