// readV2Stats on real cgroup v2 files: a Docker container (systemd driver, system.slice/docker-<id>.scope) captured
// in the Debian 13 guest (kernel 6.12, test/vm/) from `docker run --memory 256m --cpus 0.2 --pids-limit 64` after
// a CPU burst and an 8 MiB fsync'd write. Kernel 6.12's key sets differ from the 6.1 documentation the hand-made
// fixtures follow (cpu.stat nice_usec, no core_sched.force_idle_usec; more memory.stat keys), and an unset
// cpuset.cpus is an empty file. Every expected figure is worked out by hand from test/fixtures/hosts/v2-debian13-docker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFlatKeyed } from '../../../src/host/cgroupfs/parse.js';
import { readV2Stats } from '../../../src/host/cgroupfs/v2.js';
import { hostPaths } from '../../../src/host/paths.js';
import { HostReader } from '../../../src/host/reader.js';
import { FixtureHost, fixtureDir, fixtureText } from '../../helpers/fixture-host.js';

test('readV2Stats on the Docker scope captured in the Debian 13 guest: every figure', (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  const path = '/system.slice/docker-e04d28598a1980ad29292154acc5aeb4c7be6fb93fbc3bef89e3ed9146b1b000.scope';
  h.cgroupFiles(path, fixtureDir('v2-debian13-docker/web'));
  h.build();
  assert.deepEqual(readV2Stats(new HostReader(hostPaths(h.root)), h.path('/sys/fs/cgroup'), path), {
    version: 2,
    path,
    frozen: false,
    cpu: {
      usageSeconds: 5.671982,
      userSeconds: 2.692275,
      systemSeconds: 2.979707,
      periods: 236,
      throttledPeriods: 227,
      throttledSeconds: 29.723021,
      quotaMicros: 20000,
      periodMicros: 100000,
      shares: 2597, // cpu.weight 100: 2 + (100 - 1) * 262142 / 9999
      cpusetCpus: undefined, // cpuset.cpus is empty: no cpuset asked for
    },
    memory: {
      usageBytes: 9117696,
      workingSetBytes: 9117696 - 8388608, // the 8 MiB just written sit on the inactive file list
      rssBytes: 102400,
      cacheBytes: 8388608,
      swapBytes: 0,
      limitBytes: 268435456,
      oomKills: 0,
      oomEvents: 0,
      failcnt: 0,
      // no memory.peak, memory.min or memory.swap.max in the capture: no such figures
      mappedFileBytes: 0,
      kernelUsageBytes: 626688,
      pgfault: 1866,
      pgmajfault: 0,
    },
    pids: { current: 2, limit: 64 },
    io: {
      readBytes: 0,
      writeBytes: 8388608,
      readOps: 0,
      writeOps: 8,
      devices: [{ device: '', major: 254, minor: 0, bytes: { Read: 0, Write: 8388608 } }],
    },
    pressure: {
      cpu: { someTotalMicros: 18066732, fullTotalMicros: 17627495 },
      memory: { someTotalMicros: 0, fullTotalMicros: 0 },
      io: { someTotalMicros: 4400, fullTotalMicros: 4305 },
    },
  });
});

test("kernel 6.12's cpu.stat and memory.stat keys as the guest's kernel writes them", () => {
  const cpu = parseFlatKeyed(fixtureText('v2-debian13-docker/web/cpu.stat'));
  assert.deepEqual(
    [...cpu.keys()],
    ['usage_usec', 'user_usec', 'system_usec', 'nice_usec', 'nr_periods', 'nr_throttled', 'throttled_usec', 'nr_bursts', 'burst_usec'],
  );
  const mem = parseFlatKeyed(fixtureText('v2-debian13-docker/web/memory.stat'));
  assert.equal(mem.size, 65);
  assert.equal(mem.get('swpin_zero'), 0);
});
