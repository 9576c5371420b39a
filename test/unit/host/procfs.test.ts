// The procfs readers on the kernel's real formats (lines captured on this machine's 6.x kernel, and the fixture
// builder's /proc trees written in the same format).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cgroupPathFor, parseProcCgroup } from '../../../src/host/procfs/cgroup.js';
import { CMDLINE_LIMIT, parseCmdline, readCmdline } from '../../../src/host/procfs/cmdline.js';
import { parseMeminfo, parseProcStat, readProcHostFacts } from '../../../src/host/procfs/host.js';
import { parseLastPid, readLastPid } from '../../../src/host/procfs/loadavg.js';
import { parseNsLink, readNamespaces } from '../../../src/host/procfs/namespaces.js';
import { parseNetDev } from '../../../src/host/procfs/netdev.js';
import { listPids, readProcess, refreshProcess, type ProcessReadContext } from '../../../src/host/procfs/process.js';
import { parseStat } from '../../../src/host/procfs/stat.js';
import { parseStatus } from '../../../src/host/procfs/status.js';
import { userResolver } from '../../../src/host/procfs/users.js';
import { hostPaths } from '../../../src/host/paths.js';
import { HostReader } from '../../../src/host/reader.js';
import { FixtureHost, HOST_NS, netDev } from '../../helpers/fixture-host.js';

/** A one-shot reader of the fixture host. */
const readerOf = (h: FixtureHost) => new HostReader(hostPaths(h.root));

test('stat: fields by position after the last ")", so a comm holding ") (" cannot shift them', () => {
  const real =
    '6714 (cat) R 6710 6710 3071 0 -1 4194304 99 0 0 0 7 3 0 0 20 0 1 0 30255 3133440 413 18446744073709551615 93889960284160 93889960304041 140725693941792 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 93889960320048 93889960321664 93891006439424 140725693946398 140725693946418 140725693946418 140725693947883 0';
  assert.deepEqual(parseStat(real), {
    comm: 'cat',
    state: 'R',
    ppid: 6710,
    utime: 7,
    stime: 3,
    numThreads: 1,
    startTicks: 30255,
    ttyNr: 0,
    vsizeBytes: 3133440,
    rssPages: 413,
  });
  const tricky = real.replace('(cat)', '(a) S 1 (b)');
  assert.deepEqual(parseStat(tricky), {
    comm: 'a) S 1 (b',
    state: 'R',
    ppid: 6710,
    utime: 7,
    stime: 3,
    numThreads: 1,
    startTicks: 30255,
    ttyNr: 0,
    vsizeBytes: 3133440,
    rssPages: 413,
  });
  assert.equal(parseStat('123 (x) S 1 2 3'), null, 'truncated stat line');
  // tty_nr (field 7) of a shell on /dev/pts/3: major 136, minor 3
  assert.equal(parseStat(real.replace('6710 6710 3071 0 -1', '6710 6710 3071 34819 -1'))?.ttyNr, 34819);
  assert.equal(parseStat(''), null);
});

test('status: Tgid, NSpid chain (outermost first) and the real uid', () => {
  const text =
    'Name:\tnginx\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t2040\nNgid:\t0\nPid:\t2040\nPPid:\t2010\nTracerPid:\t0\nUid:\t101\t101\t101\t101\nGid:\t101\t101\t101\t101\nNStgid:\t2040\t29\nNSpid:\t2040\t29\nNSpgid:\t2010\t1\n';
  assert.deepEqual(parseStatus(text), { tgid: 2040, nsPids: [2040, 29], uid: 101 });
  assert.deepEqual(parseStatus('NSpid:\t7\t3\t1\n'), { tgid: -1, nsPids: [7, 3, 1], uid: -1 }, 'nested PID namespaces');
});

test('/proc/<pid>/cgroup: v1 lines, named hierarchies, the v2 line, and paths that contain colons', () => {
  const text =
    '12:cpuset:/kubepods/pod1/abc\n6:cpu,cpuacct:/kubepods/pod1/abc\n1:name=systemd:/kubepods/pod1/abc\n0::/system.slice/containerd.service\n';
  const m = parseProcCgroup(text);
  assert.deepEqual(m[1], { hierarchy: 6, controllers: ['cpu', 'cpuacct'], path: '/kubepods/pod1/abc' });
  assert.deepEqual(m[3], { hierarchy: 0, controllers: [], path: '/system.slice/containerd.service' });
  assert.equal(cgroupPathFor(m, 'cpuacct'), '/kubepods/pod1/abc');
  assert.equal(cgroupPathFor(m, 'name=systemd'), '/kubepods/pod1/abc');
  assert.equal(cgroupPathFor(m, 'pids'), '/system.slice/containerd.service', 'absent controller falls back to the v2 line');
  assert.equal(cgroupPathFor(m), '/system.slice/containerd.service');
  // containerd's systemd-style cgroupsPath on a cgroupfs host leaves colons in the directory name (open-telemetry/opentelemetry-java#4507)
  const colon = parseProcCgroup('10:blkio:/kubepods-besteffort-pod0125.slice:cri-containerd:ee4b\n');
  assert.equal(colon[0].path, '/kubepods-besteffort-pod0125.slice:cri-containerd:ee4b');
});

test('cmdline: NUL-separated, trailing NULs (a rewritten title) dropped, empty for kernel threads and zombies', () => {
  assert.deepEqual(parseCmdline(Buffer.from('nginx\0-g\0daemon off;\0')), ['nginx', '-g', 'daemon off;']);
  assert.deepEqual(parseCmdline(Buffer.from('[lxc monitor] /var/lib/lxc web1\0\0\0\0')), ['[lxc monitor] /var/lib/lxc web1']);
  assert.deepEqual(parseCmdline(Buffer.from('a\0\0b\0')), ['a', '', 'b'], 'an empty argument is kept');
  assert.deepEqual(parseCmdline(Buffer.alloc(0)), []);
  assert.deepEqual(parseCmdline(Buffer.from([0x61, 0xff, 0])), ['a\\xff']);
});

test('cmdline read: bounded at CMDLINE_LIMIT bytes and marked as cut', (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2', systemProcesses: false });
  h.process({ pid: 10, ppid: 1, comm: 'big', cmdline: Buffer.alloc(CMDLINE_LIMIT * 3, 0x61) });
  h.process({ pid: 11, ppid: 1, comm: 'small', args: ['a', 'b'] });
  h.build();
  const big = readCmdline(readerOf(h), 10)!;
  assert.equal(big.length, 1);
  assert.equal(big[0].length, CMDLINE_LIMIT + 1);
  assert.ok(big[0].endsWith('a…'));
  assert.deepEqual(readCmdline(readerOf(h), 11), ['a', 'b']);
  assert.equal(readCmdline(readerOf(h), 12), null, 'no such process');
});

test('cmdline read: a command line of exactly CMDLINE_LIMIT bytes is whole, not marked as cut', (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2', systemProcesses: false });
  h.process({ pid: 10, ppid: 1, comm: 'exact', cmdline: Buffer.concat([Buffer.alloc(CMDLINE_LIMIT - 1, 0x62), Buffer.from([0])]) });
  h.build();
  const got = readCmdline(readerOf(h), 10)!;
  assert.deepEqual([got.length, got[0].length, got[0].slice(-3)], [1, CMDLINE_LIMIT - 1, 'bbb']);
});

test('ns links: "type:[inode]" parsed; unreadable links are simply absent', (t) => {
  assert.equal(parseNsLink('pid:[4026531836]'), 4026531836);
  assert.equal(parseNsLink('garbage'), undefined);
  assert.equal(parseNsLink(null), undefined);
  const h = new FixtureHost(t, { cgroup: 'v2', pid1NsUnreadable: true });
  h.process({ pid: 50, ppid: 1, comm: 'c', ns: { pid: 4026532201, net: 4026532204 } });
  h.build();
  assert.deepEqual(readNamespaces(readerOf(h), 50), { ...HOST_NS, pid: 4026532201, net: 4026532204 });
  assert.deepEqual(readNamespaces(readerOf(h), 1), {});
  assert.deepEqual(readNamespaces(readerOf(h), 99), {});
});

test('net/dev: per-interface counters, loopback listed but excluded from the totals', () => {
  const real =
    'Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n    lo: 1111299    1996    0    0    0     0          0         0  1111299    1996    0    0    0     0       0          0\n  eth0: 117214257    2638    1    2    0     0          0         0   204615    1691    3    4    0     0       0          0\n';
  const s = parseNetDev(real);
  assert.deepEqual(
    { ...s, interfaces: undefined },
    {
      rxBytes: 117214257,
      rxPackets: 2638,
      rxErrors: 1,
      rxDropped: 2,
      txBytes: 204615,
      txPackets: 1691,
      txErrors: 3,
      txDropped: 4,
      interfaces: undefined,
    },
  );
  assert.deepEqual(
    s.interfaces.map((i) => [i.name, i.rxBytes, i.txBytes]),
    [
      ['lo', 1111299, 1111299],
      ['eth0', 117214257, 204615],
    ],
  );
  const two = parseNetDev(
    netDev([
      { name: 'eth0', rx: [10, 1, 0, 0], tx: [20, 2, 0, 0] },
      { name: 'eth1', rx: [100, 10, 0, 0], tx: [200, 20, 0, 0] },
    ]),
  );
  assert.deepEqual([two.rxBytes, two.txBytes, two.rxPackets, two.txPackets], [110, 220, 11, 22]);
});

test('loadavg: the last PID allocated is the fifth field', (t) => {
  assert.equal(parseLastPid('0.62 0.27 0.11 1/139 6715\n'), 6715);
  assert.equal(parseLastPid('0.62 0.27 0.11 1/139\n'), undefined);
  assert.equal(parseLastPid(null), undefined);
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.process({ pid: 4242, ppid: 1, comm: 'x' });
  h.build();
  assert.equal(readLastPid(readerOf(h)), 4242);
});

test('/proc/stat and meminfo: cores, CPU ticks (guest time not counted twice), boot time, memory', (t) => {
  const stat =
    'cpu  5234 0 2582 51987 237 0 44 11 7 0\ncpu0 2408 0 1092 26523 14 0 11 4 0 0\ncpu1 2826 0 1490 25463 222 0 33 6 0 0\nintr 1\nbtime 1795440511\n';
  assert.deepEqual(parseProcStat(stat), {
    cpuCores: 2,
    cpuTotalTicks: 5234 + 2582 + 51987 + 237 + 44 + 11,
    cpuIdleTicks: 51987 + 237,
    bootTimeSeconds: 1795440511,
  });
  assert.deepEqual(parseMeminfo('MemTotal:       24684084 kB\nMemFree:        24007040 kB\nMemAvailable:   24238792 kB\n'), {
    memoryBytes: 24684084 * 1024,
    memAvailableBytes: 24238792 * 1024,
  });
  const h = new FixtureHost(t, { cgroup: 'v2', hostname: 'edge-7' });
  h.build();
  assert.deepEqual(readProcHostFacts(readerOf(h)), {
    hostname: 'edge-7',
    kernel: '6.1.0-13-amd64',
    cpuCores: 2,
    cpuTotalTicks: 5234 + 2582 + 51987 + 237 + 44 + 11,
    cpuIdleTicks: 51987 + 237,
    bootTimeSeconds: 1700000000,
    memoryBytes: 24684084 * 1024,
    memAvailableBytes: 24238792 * 1024,
  });
});

test("users: uid -> name from the host's passwd, the number where unknown", (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.build();
  const name = userResolver(h.path('/etc/passwd'));
  assert.deepEqual([name(0), name(1000), name(65534), name(1879048192)], ['root', 'alice', 'nobody', '1879048192']);
  assert.equal(userResolver(h.path('/etc/nonexistent'))(0), '0');
});

test('readProcess: the whole process from its files; a thread reached by TID is not a process; vanished -> null', (t) => {
  const h = new FixtureHost(t, { cgroup: 'hybrid', v1Mounts: 'separate' });
  h.process({
    pid: 7004,
    ppid: 6985,
    comm: 'sh',
    args: ['sh', '-c', 'sleep 300'],
    cgroup: '/docker/abc',
    ns: { pid: 4026532450 },
    nspid: [7004, 1],
    uid: 1000,
    startTicks: 30255,
    utime: 7,
    stime: 3,
    threads: 2,
    rssPages: 100,
  });
  h.process({ pid: 7005, ppid: 6985, comm: 'gone', missing: ['cgroup'] });
  h.build();
  // /proc/<tid> of a thread of 7004: its status says Tgid 7004
  h.file('/proc/7006/stat', '7006 (worker) S 6985 7004 7004 0 -1 0 0 0 0 0 0 0 0 0 20 0 2 0 30300 0 0 0\n');
  h.file('/proc/7006/status', 'Name:\tworker\nTgid:\t7004\nPid:\t7006\nNSpid:\t7006\t2\nUid:\t0\t0\t0\t0\n');
  h.file('/proc/7006/cmdline', 'sh\0');
  h.file('/proc/7006/cgroup', '0::/docker/abc\n');
  const ctx: ProcessReadContext = { reader: readerOf(h), pageSize: 4096, userName: userResolver(h.path('/etc/passwd')) };
  const p = readProcess(ctx, 7004)!;
  assert.deepEqual(
    { ...p, cgroups: p.cgroups.length },
    {
      hostPid: 7004,
      containerPid: 1,
      nsPids: [7004, 1],
      ppid: 6985,
      threads: 2,
      state: 'S',
      comm: 'sh',
      command: 'sh -c sleep 300',
      argv: ['sh', '-c', 'sleep 300'],
      uid: 1000,
      user: 'alice',
      startTicks: 30255,
      cpuTicks: 10,
      rssBytes: 409600,
      ttyNr: 0,
      vsizeBytes: 3133440,
      cgroups: 10,
    },
  );
  assert.equal(cgroupPathFor(p.cgroups, 'memory'), '/docker/abc');
  assert.equal(readProcess(ctx, 7005), null, 'cgroup file gone: exited mid-read');
  assert.equal(readProcess(ctx, 7006), null, 'a thread is not a process');
  assert.equal(readProcess(ctx, 7007), null);
  // refresh: stat only; a different start time means the PID was reused
  h.file('/proc/7004/stat', '7004 (sh) R 6985 7004 7004 0 -1 0 0 0 0 0 17 5 0 0 20 0 3 0 30255 0 120 0\n');
  const r = refreshProcess(ctx, p);
  assert.ok(r && r !== 'reused');
  assert.deepEqual([r.state, r.cpuTicks, r.threads, r.rssBytes, r.command], ['R', 22, 3, 491520, 'sh -c sleep 300']);
  h.file('/proc/7004/stat', '7004 (sh) S 1 7004 7004 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99999 0 120 0\n');
  assert.equal(refreshProcess(ctx, p), 'reused');
  assert.equal(refreshProcess(ctx, { ...p, hostPid: 7008 }), null);
});

test('listPids: only the numeric entries of /proc', () => {
  assert.deepEqual(listPids(['1', 'self', 'thread-self', '42', 'sys', '7004', 'net']), [1, 42, 7004]);
});
