// The cgroupfs readers on the kernel's formats (cgroup-v2.rst, cgroup-v1/memory.rst, blkio-controller.rst) and on
// the checked-in captures of test/fixtures/hosts (the v1 one captured on this machine).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectCgroupLayout, discoveryHierarchy, statsVersion } from '../../../src/host/cgroupfs/layout.js';
import { parseBlkio, parseCpuset, parseFlatKeyed, parseIoStat, parseMaxOrNumber, parsePressure } from '../../../src/host/cgroupfs/parse.js';
import { readCgroupProcs } from '../../../src/host/cgroupfs/procs.js';
import { SpecCache } from '../../../src/host/cgroupfs/spec-cache.js';
import { readV1Stats } from '../../../src/host/cgroupfs/v1.js';
import { hostPaths } from '../../../src/host/paths.js';
import { HostReader } from '../../../src/host/reader.js';
import { readV2Stats, weightToShares } from '../../../src/host/cgroupfs/v2.js';
import { FixtureHost, fixtureDir, fixtureText } from '../../helpers/fixture-host.js';

test('flat keyed files: memory.stat, cpu.stat (dotted keys too), memory.events, v1 oom_control', () => {
  const ms = parseFlatKeyed(fixtureText('v2-docker-systemd/web/memory.stat'));
  assert.equal(ms.get('anon'), 5779456);
  assert.equal(ms.get('inactive_file'), 9797632);
  assert.equal(ms.get('thp_collapse_alloc'), 0);
  assert.equal(ms.size, 51);
  assert.equal(parseFlatKeyed('usage_usec 10\ncore_sched.force_idle_usec 3\n').get('core_sched.force_idle_usec'), 3);
  assert.equal(parseFlatKeyed(fixtureText('hybrid-docker-cgroupfs/web/memory/memory.oom_control')).get('oom_kill'), 0);
  assert.equal(parseFlatKeyed(null).size, 0);
  assert.equal(parseFlatKeyed('').size, 0);
});

test('"max" or a number: unlimited and absent are undefined', () => {
  assert.equal(parseMaxOrNumber('max\n'), undefined);
  assert.equal(parseMaxOrNumber('268435456\n'), 268435456);
  assert.equal(parseMaxOrNumber(null), undefined);
  assert.equal(parseMaxOrNumber(''), undefined);
  assert.equal(parseMaxOrNumber('junk'), undefined);
});

test('io.stat: bytes and ops summed over devices; extra keys (dbytes, iocost) ignored', () => {
  assert.deepEqual(parseIoStat(fixtureText('v2-docker-systemd/web/io.stat')), {
    readBytes: 1459200 + 90112,
    writeBytes: 314773504,
    readOps: 192 + 22,
    writeOps: 353,
  });
  assert.deepEqual(parseIoStat('8:16 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6 cost.vrate=100.00 cost.usage=7\n'), {
    readBytes: 1,
    writeBytes: 2,
    readOps: 3,
    writeOps: 4,
  });
  assert.deepEqual(parseIoStat(''), { readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0 });
  assert.deepEqual(parseIoStat(null), { readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0 });
});

test('v1 blkio throttle files: per-device Read/Write summed, Sync/Async/Total and the grand Total ignored', () => {
  assert.deepEqual(parseBlkio(fixtureText('hybrid-docker-cgroupfs/web/blkio/blkio.throttle.io_service_bytes')), {
    read: 1459200 + 90112,
    write: 314773504,
  });
  assert.deepEqual(parseBlkio(fixtureText('hybrid-docker-cgroupfs/web/blkio/blkio.throttle.io_serviced')), { read: 214, write: 353 });
  assert.deepEqual(parseBlkio('Total 0\n'), { read: 0, write: 0 }, 'as captured on this machine');
});

test('PSI: some and full totals; the some line alone (older cpu.pressure); absent file', () => {
  assert.deepEqual(parsePressure(fixtureText('v2-docker-systemd/web/cpu.pressure')), {
    someTotalMicros: 2451780,
    fullTotalMicros: 1733004,
  });
  assert.deepEqual(parsePressure('some avg10=0.00 avg60=0.00 avg300=0.00 total=42\n'), { someTotalMicros: 42, fullTotalMicros: undefined });
  assert.equal(parsePressure(null), undefined);
  assert.equal(parsePressure(''), undefined);
  assert.deepEqual(parseCpuset('0-3,7\n'), '0-3,7');
  assert.equal(parseCpuset('\n'), undefined);
});

test('cpu.weight -> shares, the runc/cAdvisor conversion: 1 -> 2, 100 -> 2597, 10000 -> 262144', () => {
  assert.deepEqual([1, 39, 100, 10000].map(weightToShares), [2, 998, 2597, 262144]);
});

test('layout: pure v2, pure v1 (combined mounts) and hybrid are told apart from the files alone', (t) => {
  const v2 = new FixtureHost(t, { cgroup: 'v2' });
  v2.build();
  const l2 = detectCgroupLayout(v2.path('/sys/fs/cgroup'));
  assert.deepEqual(
    [l2.version, l2.unified, l2.unifiedHasControllers, l2.v1.size, statsVersion(l2)],
    [2, v2.path('/sys/fs/cgroup'), true, 0, 2],
  );
  assert.deepEqual(discoveryHierarchy(l2), { dir: v2.path('/sys/fs/cgroup') });

  const v1 = new FixtureHost(t, { cgroup: 'v1' });
  v1.build();
  const l1 = detectCgroupLayout(v1.path('/sys/fs/cgroup'));
  assert.deepEqual([l1.version, l1.unified, statsVersion(l1)], [1, undefined, 1]);
  // cpu and cpuacct reach the combined mount whichever name readdir gives first
  assert.ok(['cpu', 'cpu,cpuacct'].map((d) => v1.path(`/sys/fs/cgroup/${d}`)).includes(l1.v1.get('cpu')!));
  assert.ok(['cpuacct', 'cpu,cpuacct'].map((d) => v1.path(`/sys/fs/cgroup/${d}`)).includes(l1.v1.get('cpuacct')!));
  assert.equal(l1.v1.get('name=systemd'), v1.path('/sys/fs/cgroup/systemd'));
  assert.deepEqual(discoveryHierarchy(l1), { dir: v1.path('/sys/fs/cgroup/pids'), controller: 'pids' });

  const hy = new FixtureHost(t, { cgroup: 'hybrid', v1Mounts: 'separate' });
  hy.build();
  const lh = detectCgroupLayout(hy.path('/sys/fs/cgroup'));
  assert.deepEqual(
    [lh.version, lh.unified, lh.unifiedHasControllers, statsVersion(lh)],
    ['hybrid', hy.path('/sys/fs/cgroup/unified'), false, 1],
  );
  assert.equal(lh.v1.get('memory'), hy.path('/sys/fs/cgroup/memory'));
  assert.deepEqual(discoveryHierarchy(lh), { dir: hy.path('/sys/fs/cgroup/pids'), controller: 'pids' });
});

test('readV2Stats on the captured Docker scope: every figure; a cgroup without the cpu controller; a missing cgroup', (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.cgroupFiles('/system.slice/docker-x.scope', fixtureDir('v2-docker-systemd/web'));
  // no cpu controller enabled for this subtree: cpu.stat has the usage keys only, no cpu.max or cpu.weight
  h.cgroupFiles('/system.slice/plain.service', { 'cpu.stat': 'usage_usec 2000000\nuser_usec 1500000\nsystem_usec 500000\n' });
  h.build();
  const root = h.path('/sys/fs/cgroup');
  const s = readV2Stats(new HostReader(hostPaths(h.root)), root, '/system.slice/docker-x.scope');
  assert.deepEqual(
    [s.memory?.workingSetBytes, s.cpu?.throttledSeconds, s.pids?.limit, s.pressure?.io?.fullTotalMicros],
    [9760768, 9.871234, 100, 398812],
  );
  assert.deepEqual(readV2Stats(new HostReader(hostPaths(h.root)), root, '/system.slice/plain.service'), {
    version: 2,
    path: '/system.slice/plain.service',
    cpu: {
      usageSeconds: 2,
      userSeconds: 1.5,
      systemSeconds: 0.5,
      periods: undefined,
      throttledPeriods: undefined,
      throttledSeconds: undefined,
      quotaMicros: undefined,
      periodMicros: 100000,
      shares: undefined,
      cpusetCpus: undefined,
    },
  });
  assert.deepEqual(readV2Stats(new HostReader(hostPaths(h.root)), root, '/gone.scope'), { version: 2, path: '/gone.scope' });
});

test('readV1Stats on the capture from this machine: each controller at its own path; cfs quota -1 is no quota', (t) => {
  const h = new FixtureHost(t, { cgroup: 'hybrid', v1Mounts: 'separate' });
  for (const ctrl of ['memory', 'cpu', 'cpuacct', 'cpuset', 'pids', 'blkio'])
    h.cgroupFiles('/docker/x', fixtureDir(`hybrid-docker-cgroupfs/web/${ctrl}`), ctrl);
  h.cgroupFiles('/docker/y', { 'cpuacct.usage': '5000000000\n', 'cpuacct.stat': 'user 300\nsystem 200\n' }, 'cpuacct');
  h.cgroupFiles(
    '/docker/y',
    {
      'cpu.cfs_quota_us': '-1\n',
      'cpu.cfs_period_us': '100000\n',
      'cpu.shares': '1024\n',
      'cpu.stat': 'nr_periods 0\nnr_throttled 0\nthrottled_time 0\n',
    },
    'cpu',
  );
  h.build();
  const layout = detectCgroupLayout(h.path('/sys/fs/cgroup'));
  const x = readV1Stats(new HostReader(hostPaths(h.root)), layout, () => '/docker/x', 100);
  assert.deepEqual(
    [x.path, x.memory?.workingSetBytes, x.memory?.limitBytes, x.cpu?.quotaMicros, x.pids?.limit, x.io?.readBytes],
    ['/docker/x', 901120, 67108864, 50000, 100, 1549312],
  );
  const y = readV1Stats(new HostReader(hostPaths(h.root)), layout, (c) => (c === 'cpu' || c === 'cpuacct' ? '/docker/y' : undefined), 100);
  assert.deepEqual(y, {
    version: 1,
    path: '/docker/y',
    cpu: {
      usageSeconds: 5,
      userSeconds: 3,
      systemSeconds: 2,
      periods: 0,
      throttledPeriods: 0,
      throttledSeconds: 0,
      quotaMicros: undefined,
      periodMicros: 100000,
      shares: 1024,
      cpusetCpus: undefined,
    },
  });
});

test('spec files are cached for the TTL (limits change rarely); usage files are always read afresh', (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.cgroupFiles('/a.scope', { 'memory.current': '100\n', 'memory.max': '1000\n', 'memory.stat': 'inactive_file 10\n' });
  h.build();
  const cache = new SpecCache(60_000);
  const root = h.path('/sys/fs/cgroup');
  assert.equal(readV2Stats(new HostReader(hostPaths(h.root), { specs: cache }), root, '/a.scope').memory?.limitBytes, 1000);
  h.cgroupFiles('/a.scope', { 'memory.current': '200\n', 'memory.max': '2000\n' });
  const again = readV2Stats(new HostReader(hostPaths(h.root), { specs: cache }), root, '/a.scope').memory;
  assert.deepEqual([again?.usageBytes, again?.limitBytes], [200, 1000]);
  assert.equal(readV2Stats(new HostReader(hostPaths(h.root), { specs: new SpecCache(0) }), root, '/a.scope').memory?.limitBytes, 2000);
});

test('cgroup.procs: one PID a line; a removed cgroup reads as null', (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.process({ pid: 300, ppid: 1, comm: 'a', cgroup: '/x.scope' });
  h.process({ pid: 30, ppid: 1, comm: 'b', cgroup: '/x.scope' });
  h.build();
  assert.deepEqual(readCgroupProcs(new HostReader(hostPaths(h.root)), h.path('/sys/fs/cgroup/x.scope')), [30, 300]);
  assert.equal(readCgroupProcs(new HostReader(hostPaths(h.root)), h.path('/sys/fs/cgroup/gone.scope')), null);
});
