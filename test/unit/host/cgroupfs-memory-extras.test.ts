// The memory figures beyond usage and working set that cAdvisor exports: mapped files, peak, kernel memory, page
// faults, reservation and swap limits, read from the files and keys cAdvisor (through runc) reads on v1 and v2.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectCgroupLayout } from '../../../src/host/cgroupfs/layout.js';
import { readV1Stats } from '../../../src/host/cgroupfs/v1.js';
import { readV2Stats } from '../../../src/host/cgroupfs/v2.js';
import { hostPaths } from '../../../src/host/paths.js';
import { HostReader } from '../../../src/host/reader.js';
import { FixtureHost, fixtureDir } from '../../helpers/fixture-host.js';

const V1_UNLIMITED = '9223372036854771712\n'; // PAGE_COUNTER_MAX * 4096, as v1 writes "no limit"

test('v1: total_mapped_file, max_usage_in_bytes, kmem usage, pgfault/pgmajfault, soft limit, memsw limit', (t) => {
  const h = new FixtureHost(t, { cgroup: 'hybrid', v1Mounts: 'separate' });
  h.cgroupFiles('/docker/x', fixtureDir('hybrid-docker-cgroupfs/web/memory'), 'memory');
  h.cgroupFiles(
    '/docker/x',
    {
      'memory.stat': 'cache 4096\nrss 8192\nmapped_file 4096\npgfault 1471\npgmajfault 3\ninactive_file 0\ntotal_mapped_file 12288\n',
      'memory.max_usage_in_bytes': '3538944\n',
      'memory.kmem.usage_in_bytes': '1163264\n',
      'memory.soft_limit_in_bytes': '33554432\n',
      'memory.memsw.limit_in_bytes': '134217728\n',
    },
    'memory',
  );
  h.cgroupFiles('/docker/y', { 'memory.usage_in_bytes': '100\n', 'memory.stat': 'mapped_file 7\n' }, 'memory');
  h.cgroupFiles('/docker/y', { 'memory.soft_limit_in_bytes': V1_UNLIMITED, 'memory.memsw.limit_in_bytes': V1_UNLIMITED }, 'memory');
  h.build();
  const layout = detectCgroupLayout(h.path('/sys/fs/cgroup'));
  const x = readV1Stats(new HostReader(hostPaths(h.root)), layout, () => '/docker/x', 100).memory!;
  assert.deepEqual(
    [x.mappedFileBytes, x.maxUsageBytes, x.kernelUsageBytes, x.pgfault, x.pgmajfault, x.reservationBytes, x.swapLimitBytes],
    [12288, 3538944, 1163264, 1471, 3, 33554432, 134217728],
    'the hierarchical total_mapped_file wins over mapped_file, as cAdvisor',
  );
  const y = readV1Stats(new HostReader(hostPaths(h.root)), layout, () => '/docker/y', 100).memory!;
  assert.deepEqual(
    [y.mappedFileBytes, y.maxUsageBytes, y.kernelUsageBytes, y.pgfault, y.reservationBytes, y.swapLimitBytes],
    [7, undefined, undefined, undefined, undefined, undefined],
    'absent files are absent figures; "no limit" is undefined',
  );
});

test('v2: file_mapped, memory.peak, memory.stat kernel, pgfault/pgmajfault, memory.min, memory.swap.max', (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.cgroupFiles('/a.scope', {
    'memory.current': '9117696\n',
    'memory.stat': 'anon 102400\nfile 8388608\nkernel 626688\nfile_mapped 40960\ninactive_file 8388608\npgfault 1866\npgmajfault 2\n',
    'memory.peak': '9437184\n',
    'memory.min': '16777216\n',
    'memory.swap.max': '67108864\n',
  });
  h.cgroupFiles('/b.scope', { 'memory.current': '100\n', 'memory.stat': 'anon 100\n', 'memory.min': '0\n', 'memory.swap.max': 'max\n' });
  h.build();
  const root = h.path('/sys/fs/cgroup');
  const a = readV2Stats(new HostReader(hostPaths(h.root)), root, '/a.scope').memory!;
  assert.deepEqual(
    [a.mappedFileBytes, a.maxUsageBytes, a.kernelUsageBytes, a.pgfault, a.pgmajfault, a.reservationBytes, a.swapLimitBytes],
    [40960, 9437184, 626688, 1866, 2, 16777216, 67108864],
  );
  const b = readV2Stats(new HostReader(hostPaths(h.root)), root, '/b.scope').memory!;
  assert.deepEqual(
    [b.mappedFileBytes, b.maxUsageBytes, b.kernelUsageBytes, b.pgfault, b.reservationBytes, b.swapLimitBytes],
    [undefined, undefined, undefined, undefined, 0, undefined],
    'a kernel without memory.peak or the kernel key: absent; swap "max": unlimited',
  );
});
