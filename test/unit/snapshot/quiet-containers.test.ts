// Quiet containers (src/snapshot/quiet-containers.ts) on this machine's layout (hybrid, one directory per v1
// controller) with a Docker container's cgroup files captured here (test/fixtures/hosts/hybrid-docker-cgroupfs/web).
// A long-running scanner reads a container whose cpuacct.usage, memory.usage_in_bytes and freezer.state did not
// move from those three files alone. The fixture may change the other files without moving a signal, which a kernel
// never does: that shows which files a scan read. Reads are logged through node:fs (test/helpers/read-log.ts).
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { HostReader } from '../../../src/host/reader.js';
import { QuietContainers } from '../../../src/snapshot/quiet-containers.js';
import { HostScanner, type ScanOptions } from '../../../src/snapshot/scanner.js';
import type { Container } from '../../../src/snapshot/model.js';
import { FixtureHost, fixtureDir, netDev } from '../../helpers/fixture-host.js';
import { ReadLog } from '../../helpers/read-log.js';

const WEB = 'ebd1d4c26490a008ee6243214fc98fafebb8cfbaa1a949d01b3321d5c6e27b36';
const WEB_NS = { pid: 4026532450, mnt: 4026532448, net: 4026532452, uts: 4026532449, ipc: 4026532451 };
const CG = `/docker/${WEB}`;
const CONTROLLERS = ['memory', 'cpu', 'cpuacct', 'cpuset', 'pids', 'blkio', 'freezer'];
const LO_ONLY = netDev([{ name: 'lo', rx: [120, 2, 0, 0], tx: [120, 2, 0, 0] }]);
const WITH_ETH0 = netDev([
  { name: 'lo', rx: [0, 0, 0, 0], tx: [0, 0, 0, 0] },
  { name: 'eth0', rx: [1296, 16, 0, 0], tx: [0, 0, 0, 0] },
]);
/** Full passes, claims and limit files pushed far away: what a scan reads is the quiet logic's doing alone. */
const STEADY: ScanOptions = { fullPassIntervalMs: 1e9, claimTtlMs: 1e9, specTtlMs: 1e9, quietMaxAgeMs: 1e9 };

function dockerHost(t: TestContext, net = WITH_ETH0): FixtureHost {
  const h = new FixtureHost(t, { cgroup: 'hybrid', v1Mounts: 'separate' });
  h.dockerShim(6985, WEB);
  h.process({ pid: 7004, ppid: 6985, comm: 'sh', args: ['sh', '-c', 'sleep 300'], cgroup: CG, ns: WEB_NS, nspid: [7004, 1], netDev: net });
  h.process({ pid: 7020, ppid: 7004, comm: 'sleep', args: ['sleep', '300'], cgroup: CG, ns: WEB_NS, nspid: [7020, 7] });
  for (const ctrl of CONTROLLERS) h.cgroupFiles(CG, fixtureDir(`hybrid-docker-cgroupfs/web/${ctrl}`), ctrl);
  h.json(`/var/lib/docker/containers/${WEB}/config.v2.json`, {
    ID: WEB,
    Name: '/web',
    Config: { Image: 'busybox:latest', Labels: {} },
    State: { Running: true, Pid: 7004, StartedAt: '2026-11-23T13:33:00.5Z' },
  });
  h.build();
  return h;
}

function scannerOf(t: TestContext, h: FixtureHost, options: ScanOptions = STEADY): HostScanner {
  const scanner = new HostScanner({ root: h.root, ...options });
  t.after(() => scanner.close());
  return scanner;
}

const web = (scanner: HostScanner): Container => {
  const c = scanner.scan().containers.find((x) => x.id === WEB);
  assert.ok(c, 'the container is found');
  return c;
};

/** Two scans: the first reads the container whole, the second its signals (the baseline) and whole again. */
function settled(scanner: HostScanner): Container {
  web(scanner);
  return web(scanner);
}

/** Files of the container's own that a scan read: cgroup files by controller, and its processes' files. */
function containerReads(h: FixtureHost, log: ReadLog): string[] {
  const cgroup = CONTROLLERS.flatMap((ctrl) => log.under(h.path(`/sys/fs/cgroup/${ctrl}${CG}`)).map((f) => `${ctrl}/${f}`));
  const procs = [7004, 7020].flatMap((pid) => log.under(h.path(`/proc/${pid}`)).map((f) => `${pid}/${f}`));
  return [...cgroup, ...procs].sort();
}

const rssOf = (c: Container) => c.cgroup?.memory?.rssBytes;

test('a quiet container is read from its three signal files alone, and gives the same figures', (t) => {
  const log = new ReadLog(t);
  const h = dockerHost(t);
  const scanner = scannerOf(t, h);
  const before = settled(scanner);
  log.clear();
  const quiet = web(scanner);
  assert.deepEqual(containerReads(h, log), [
    '7004/net/dev', // an interface besides lo: packets arrive without the container's tasks running
    'cpuacct/cpuacct.usage',
    'freezer/freezer.state',
    'memory/memory.usage_in_bytes',
  ]);
  assert.deepEqual(quiet, before);
  // a full read costs more: the proof that the scans above were not all this cheap
  log.clear();
  web(scannerOf(t, h, { ...STEADY, quietMaxAgeMs: 0 }));
  assert.ok(containerReads(h, log).length >= 15, containerReads(h, log).join(' '));
});

test('a quiet container is quiet only while its figures are not read: the fixture changing memory.stat alone shows it', (t) => {
  const h = dockerHost(t);
  const scanner = scannerOf(t, h);
  assert.equal(rssOf(settled(scanner)), 57344);
  h.cgroupFiles(CG, { 'memory.stat': 'cache 8396800\nrss 1234567\n' }, 'memory');
  assert.equal(rssOf(web(scanner)), 57344, 'no signal moved: memory.stat is not read');
});

for (const [signal, ctrl, moved] of [
  ['cpuacct.usage', 'cpuacct', '26887121\n'],
  ['memory.usage_in_bytes', 'memory', '8458241\n'],
  ['freezer.state', 'freezer', 'FROZEN\n'],
] as const) {
  test(`${signal} moving makes a full read: memory.stat, pids.current and the processes as they are now`, (t) => {
    const h = dockerHost(t);
    const scanner = scannerOf(t, h);
    const before = settled(scanner);
    assert.deepEqual([before.pids, before.cgroup?.pids?.current], [[7004, 7020], 1]);
    h.cgroupFiles(CG, { 'memory.stat': 'cache 8396800\nrss 1234567\n' }, 'memory');
    h.cgroupFiles(CG, { 'pids.current': '1\n' }, 'pids');
    h.exit(7020);
    h.execve(7004, 'top', ['top']);
    h.build();
    h.cgroupFiles(CG, { [signal]: moved }, ctrl);
    const after = web(scanner);
    assert.equal(rssOf(after), 1234567);
    assert.deepEqual(after.pids, [7004]);
    assert.equal(after.cgroup?.pids?.current, 1);
    assert.equal(scanner.scan().processes.get(7004)?.comm, 'top');
    if (signal === 'freezer.state') assert.equal(after.state, 'paused');
  });
}

test('a PID new to the host in a quiet container makes a full read (forked from outside, it has not run yet)', (t) => {
  const h = dockerHost(t);
  const scanner = scannerOf(t, h);
  settled(scanner);
  h.process({ pid: 7040, ppid: 6985, comm: 'sh', args: ['sh'], cgroup: CG, ns: WEB_NS, nspid: [7040, 9] });
  h.build();
  assert.deepEqual(web(scanner).pids, [7004, 7020, 7040]);
});

test('every container is read whole again once its figures reach the max age, signals still or not', (t) => {
  const h = dockerHost(t);
  const scanner = scannerOf(t, h, { ...STEADY, quietMaxAgeMs: 40 });
  settled(scanner);
  h.cgroupFiles(CG, { 'memory.stat': 'cache 8396800\nrss 1234567\n' }, 'memory');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60);
  assert.equal(rssOf(web(scanner)), 1234567);
});

test("a quiet container's loopback-only network namespace is not read again; lo counters are its tasks' alone", (t) => {
  const log = new ReadLog(t);
  const h = dockerHost(t, LO_ONLY);
  const scanner = scannerOf(t, h);
  const before = settled(scanner);
  log.clear();
  const quiet = web(scanner);
  assert.deepEqual(
    containerReads(h, log).filter((f) => f.includes('net')),
    [],
  );
  assert.deepEqual(quiet.network, before.network);
  assert.deepEqual(
    quiet.network?.interfaces.map((i) => i.name),
    ['lo'],
  );
});

test('a one-shot scanner (no kept files) reads every container whole every scan', (t) => {
  const h = dockerHost(t);
  const scanner = scannerOf(t, h, { ...STEADY, keepFilesOpen: false });
  settled(scanner);
  h.cgroupFiles(CG, { 'memory.stat': 'cache 8396800\nrss 1234567\n' }, 'memory');
  assert.equal(rssOf(web(scanner)), 1234567);
});

test('1,000 quiet containers are read whole spread over the scans of a max age, each at least once a max age', () => {
  const reader = { hotRecordText: () => '26887120\n' } as unknown as HostReader;
  const quiet = new QuietContainers(reader, 10_000);
  const paths = Array.from({ length: 1000 }, (_, i) => `/tctop/${i.toString(16).padStart(64, '0')}`);
  const lastWhole = new Map<string, number>();
  const wholePerScan: number[] = [];
  for (let now = 0; now <= 40_000; now += 1000) {
    quiet.beginScan(now);
    let whole = 0;
    for (const p of paths) {
      if (quiet.isQuiet(p)) continue;
      whole++;
      if (now >= 2000) assert.ok(now - lastWhole.get(p)! <= 10_000, `${p} reused past the max age`);
      lastWhole.set(p, now);
      quiet.recordFull(p, p.slice(7), ['/sys/fs/cgroup/cpuacct/x/cpuacct.usage'], { cgroup: null, network: null });
    }
    quiet.endScan([]);
    wholePerScan.push(whole);
  }
  assert.deepEqual(wholePerScan.slice(0, 2), [1000, 1000], 'the first scan, and the one that reads the baseline');
  for (const n of wholePerScan.slice(2)) assert.ok(n >= 20 && n <= 200, `a scan read ${n} whole: ${wholePerScan.join(' ')}`);
});

test('with a focus, quiet containers outside it are read whole once an unfocused max age, those in it once a max age', () => {
  const reader = { hotRecordText: () => '26887120\n' } as unknown as HostReader;
  const quiet = new QuietContainers(reader, 10_000, 60_000);
  const paths = Array.from({ length: 1000 }, (_, i) => `/tctop/${i.toString(16).padStart(64, '0')}`);
  const idOf = (p: string) => p.slice(7);
  const shown = new Set(paths.slice(0, 40).map(idOf));
  quiet.setFocus(shown);
  const lastWhole = new Map<string, number>();
  const gaps = { shown: 0, hidden: 0 };
  let whole = 0;
  for (let now = 0; now <= 180_000; now += 1000) {
    quiet.beginScan(now);
    for (const p of paths) {
      if (quiet.isQuiet(p)) continue;
      const gap = now - (lastWhole.get(p) ?? now);
      const which = shown.has(idOf(p)) ? 'shown' : 'hidden';
      gaps[which] = Math.max(gaps[which], gap);
      if (now >= 2000) whole++;
      lastWhole.set(p, now);
      quiet.recordFull(p, idOf(p), ['/sys/fs/cgroup/cpuacct/x/cpuacct.usage'], { cgroup: null, network: null });
    }
    quiet.endScan([]);
  }
  assert.ok(gaps.shown <= 10_000 && gaps.shown >= 5000, `a shown container went ${gaps.shown} ms between full reads`);
  assert.ok(gaps.hidden <= 60_000 && gaps.hidden > 10_000, `a hidden container went ${gaps.hidden} ms between full reads`);
  // 40 every 10 s and 960 every 60 s: 20 a scan, not the 100 a 10-s age for all would make
  const perScan = whole / 179;
  assert.ok(perScan >= 15 && perScan <= 25, `${perScan.toFixed(1)} full reads a scan`);
});

test('a quiet container joining the focus is read whole at the next scan, and quiet again after', () => {
  const reader = { hotRecordText: () => '26887120\n' } as unknown as HostReader;
  const quiet = new QuietContainers(reader, 10_000, 1e9);
  const [a, b] = ['/tctop/a', '/tctop/b'];
  const scan = (now: number) => {
    quiet.beginScan(now);
    const whole = [a, b].filter((p) => !quiet.isQuiet(p));
    for (const p of whole) quiet.recordFull(p, p.slice(7), ['/x/cpuacct.usage'], { cgroup: null, network: null });
    quiet.endScan([]);
    return whole;
  };
  quiet.setFocus(new Set(['a']));
  scan(0);
  scan(1000); // the baseline
  assert.deepEqual(scan(2000), [], 'both quiet');
  quiet.setFocus(new Set(['b']));
  assert.deepEqual(scan(3000), [b], 'b joined the focus: read whole; a left it: reused');
  assert.deepEqual(scan(4000), [], 'b quiet again in the focus');
  quiet.setFocus(new Set(['a', 'b']));
  assert.deepEqual(scan(5000), [a], 'a joined it again');
});

test('a scanner with a focus: a container outside it keeps its memory.stat past the max age, joining it reads it', (t) => {
  const h = dockerHost(t);
  const scanner = scannerOf(t, h, { ...STEADY, quietMaxAgeMs: 40, unfocusedMaxAgeMs: 1e9 });
  scanner.focus(new Set(['some-other-container']));
  assert.equal(rssOf(settled(scanner)), 57344);
  h.cgroupFiles(CG, { 'memory.stat': 'cache 8396800\nrss 1234567\n' }, 'memory');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60);
  assert.equal(rssOf(web(scanner)), 57344, 'outside the focus, past the (focused) max age: still reused');
  scanner.focus(new Set([WEB]));
  assert.equal(rssOf(web(scanner)), 1234567, 'in the focus: read whole at the next scan');
});

/** A reader of signal files from a map, logging what it read. */
function signalReader(texts: Map<string, string>, log: string[]): HostReader {
  return {
    hotRecordText: (f: string) => {
      log.push(f);
      return texts.get(f) ?? null;
    },
  } as unknown as HostReader;
}

test('outside the focus only the CPU signal is read every scan, the others every unfocusedSignalsMs; a move there is then seen', () => {
  const files = ['/cg/cpuacct.usage', '/cg/memory.usage_in_bytes', '/cg/freezer.state'];
  const texts = new Map([
    [files[0], '26887120\n'],
    [files[1], '8458240\n'],
    [files[2], 'THAWED\n'],
  ]);
  const log: string[] = [];
  const quiet = new QuietContainers(signalReader(texts, log), 1e9, 1e9, 5000);
  quiet.setFocus(new Set(['shown']));
  const scan = (now: number) => {
    log.length = 0;
    quiet.beginScan(now);
    const whole = !quiet.isQuiet('/cg');
    if (whole) quiet.recordFull('/cg', 'hidden', files, { cgroup: null, network: null });
    quiet.endScan([]);
    return { whole, read: [...log] };
  };
  scan(0);
  assert.deepEqual(scan(1000), { whole: true, read: files }, 'the baseline reads them all');
  const reads: string[][] = [];
  for (let now = 2000; now <= 12_000; now += 1000) {
    const s = scan(now);
    assert.equal(s.whole, false, `quiet at ${now}`);
    reads.push(s.read);
  }
  const full = reads.filter((r) => r.length === 3).length;
  assert.ok(full >= 1 && full <= 3, `every signal read in ${full} of 11 scans`);
  assert.ok(
    reads.every((r) => r[0] === files[0] && (r.length === 1 || r.length === 3)),
    'the CPU signal every scan',
  );
  texts.set(files[1], '8462336\n'); // memory charged without CPU time (a page charged from outside)
  const seen = [13_000, 14_000, 15_000, 16_000, 17_000, 18_000].map((now) => scan(now).whole);
  assert.ok(seen.includes(true), `the memory move is seen within 5 s: ${seen.join(' ')}`);
  texts.set(files[0], '26887999\n');
  assert.equal(scan(19_000).whole, true, 'CPU time moved: read whole at once');
});

test('with everySignal, or in the focus, every signal is read every scan', () => {
  const files = ['/cg/cpuacct.usage', '/cg/memory.usage_in_bytes', '/cg/freezer.state'];
  const texts = new Map(files.map((f) => [f, '1\n']));
  for (const [focus, every] of [
    [new Set(['other']), true],
    [new Set(['c']), false],
  ] as const) {
    const log: string[] = [];
    const quiet = new QuietContainers(signalReader(texts, log), 1e9, 1e9, 5000);
    quiet.setFocus(focus, every);
    for (let now = 0; now <= 6000; now += 1000) {
      log.length = 0;
      quiet.beginScan(now);
      if (!quiet.isQuiet('/cg')) quiet.recordFull('/cg', 'c', files, { cgroup: null, network: null });
      quiet.endScan([]);
      if (now > 0) assert.deepEqual(log, files, `at ${now}`);
    }
    texts.set(files[1], `${Math.random()}\n`);
    quiet.beginScan(7000);
    assert.equal(quiet.isQuiet('/cg'), false, 'a memory move is seen at the next scan');
    quiet.endScan([]);
  }
});

test('a quiet container with a still network and the same claim is the Container built before, not built again', (t) => {
  const h = dockerHost(t, LO_ONLY);
  const scanner = scannerOf(t, h);
  settled(scanner);
  const a = web(scanner);
  const b = web(scanner);
  assert.equal(b, a, 'the same object');
  assert.deepEqual(b, web(scannerOf(t, h, { ...STEADY, quietMaxAgeMs: 0 })), 'what a scanner reading it whole builds');
});

test("a quiet container's claim read again (its TTL) is built anew: a rename shows", (t) => {
  const h = dockerHost(t, LO_ONLY);
  const scanner = scannerOf(t, h, { ...STEADY, claimTtlMs: 40 });
  settled(scanner);
  const before = web(scanner);
  h.json(`/var/lib/docker/containers/${WEB}/config.v2.json`, {
    ID: WEB,
    Name: '/web2',
    Config: { Image: 'busybox:latest', Labels: {} },
    State: { Running: true, Pid: 7004, StartedAt: '2026-11-23T13:33:00.5Z' },
  });
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60);
  const after = web(scanner);
  assert.deepEqual([before.name, after.name], ['web', 'web2']);
  assert.equal(web(scanner), after, 'then reused again');
});

/** Two v1 containers under one parent cgroup, and a third alone under another. */
const PARENT = '/sys/fs/cgroup/cpuacct/tctop/cpuacct.usage';
const SIBLINGS = ['a', 'b'].map((id) => ({ id, path: `/tctop/${id}`, cpu: `/sys/fs/cgroup/cpuacct/tctop/${id}/cpuacct.usage` }));
const ALONE = { id: 'c', path: '/other/c', cpu: '/sys/fs/cgroup/cpuacct/other/c/cpuacct.usage' };

function parentScanner(texts: Map<string, string>, focus?: Set<string>) {
  const log: string[] = [];
  const quiet = new QuietContainers(signalReader(texts, log), 1e9, 1e9, 1e9);
  if (focus) quiet.setFocus(focus);
  const scan = (now: number) => {
    log.length = 0;
    quiet.beginScan(now);
    const whole: string[] = [];
    for (const c of [...SIBLINGS, ALONE]) {
      if (quiet.isQuiet(c.path)) continue;
      whole.push(c.id);
      quiet.recordFull(c.path, c.id, [c.cpu], { cgroup: null, network: null });
    }
    quiet.endScan([]);
    return { whole, read: [...log] };
  };
  return scan;
}

test('v1: a still parent cgroup proves its containers still without reading their CPU counters; read before them', () => {
  for (const focus of [undefined, new Set(['shown'])]) {
    const texts = new Map([[PARENT, '500\n'], ...[...SIBLINGS, ALONE].map((c) => [c.cpu, '100\n'] as [string, string])]);
    const scan = parentScanner(texts, focus);
    scan(0);
    const baseline = scan(1000);
    assert.deepEqual(baseline.whole, ['a', 'b', 'c'], 'the baseline');
    assert.deepEqual(baseline.read, [PARENT, SIBLINGS[0].cpu, SIBLINGS[1].cpu, ALONE.cpu], 'the parent before its children');
    for (let now = 2000; now <= 5000; now += 1000) {
      const s = scan(now);
      assert.deepEqual(s, { whole: [], read: [PARENT, ALONE.cpu] }, `at ${now}: the parent, and the container alone`);
    }
    // b ran: the parent moved with it, so both are read, and b is read whole
    texts.set(SIBLINGS[1].cpu, '180\n');
    texts.set(PARENT, '580\n');
    assert.deepEqual(scan(6000), { whole: ['b'], read: [PARENT, SIBLINGS[0].cpu, SIBLINGS[1].cpu, ALONE.cpu] });
    // the children read at 6000 after the parent: the parent still since proves them from the next scan on
    assert.deepEqual(scan(7000), { whole: [], read: [PARENT, ALONE.cpu] }, 'b quiet again, proven by the parent');
    texts.set(PARENT, '590\n'); // a task of the parent's own, or a child's, ran: nothing is proven
    assert.deepEqual(scan(8000).read, [PARENT, SIBLINGS[0].cpu, SIBLINGS[1].cpu, ALONE.cpu]);
  }
});

test('v1: a container new under a still parent is read (nothing known of it), and a parent of one is never read', () => {
  const texts = new Map([[PARENT, '500\n'], ...[...SIBLINGS, ALONE].map((c) => [c.cpu, '100\n'] as [string, string])]);
  const log: string[] = [];
  const quiet = new QuietContainers(signalReader(texts, log), 1e9);
  const scan = (now: number, cs: Array<{ id: string; path: string; cpu: string }>) => {
    log.length = 0;
    quiet.beginScan(now);
    const whole = cs.filter((c) => !quiet.isQuiet(c.path));
    for (const c of whole) quiet.recordFull(c.path, c.id, [c.cpu], { cgroup: null, network: null });
    quiet.endScan([]);
    return { whole: whole.map((c) => c.id), read: [...log] };
  };
  const [a, b] = SIBLINGS;
  for (let now = 0; now <= 3000; now += 1000) assert.ok(!scan(now, [a, ALONE]).read.includes(PARENT), 'a parent of one');
  scan(4000, [a, b, ALONE]); // b appears: read whole
  scan(5000, [a, b, ALONE]); // b's baseline; the parent is read from now on
  scan(6000, [a, b, ALONE]);
  assert.deepEqual(scan(7000, [a, b, ALONE]).read, [PARENT, ALONE.cpu]);
  const c2 = { id: 'd', path: '/tctop/d', cpu: '/sys/fs/cgroup/cpuacct/tctop/d/cpuacct.usage' };
  texts.set(c2.cpu, '7\n');
  const s = scan(8000, [a, b, c2, ALONE]);
  assert.deepEqual(s, { whole: ['d'], read: [PARENT, ALONE.cpu] }, 'd: no baseline yet, read whole');
  assert.deepEqual(scan(9000, [a, b, c2, ALONE]).read, [PARENT, c2.cpu, ALONE.cpu], "d's baseline is read");
  assert.deepEqual(scan(10_000, [a, b, c2, ALONE]).read, [PARENT, ALONE.cpu]);
});

test('v2: cpu.stat rounds to microseconds, so a parent proves nothing and is not read', () => {
  const files = ['/sys/fs/cgroup/tctop/a/cpu.stat', '/sys/fs/cgroup/tctop/b/cpu.stat'];
  const texts = new Map(files.map((f) => [f, 'usage_usec 10\n']));
  const log: string[] = [];
  const quiet = new QuietContainers(signalReader(texts, log), 1e9);
  for (let now = 0; now <= 4000; now += 1000) {
    log.length = 0;
    quiet.beginScan(now);
    for (const [i, f] of files.entries())
      if (!quiet.isQuiet(`/tctop/${i}`)) quiet.recordFull(`/tctop/${i}`, `${i}`, [f], { cgroup: null, network: null });
    quiet.endScan([]);
    if (now > 0) assert.deepEqual(log, files, `at ${now}`);
  }
});
