// The readers behind cAdvisor's per-device IO, CPU topology and descriptor series: their parsers on the kernel's
// formats, and the descriptor counts against this process's own /proc/self/fd.
import assert from 'node:assert/strict';
import { openSync, closeSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { blockDeviceName, parseBlkioDevices, parseIoStatDevices } from '../../../src/host/cgroupfs/block-devices.js';
import { countTopology, readCpuTopology } from '../../../src/host/cpu-topology.js';
import { countOpenFiles, readDescriptors } from '../../../src/host/procfs/fds.js';
import { hostPaths } from '../../../src/host/paths.js';
import { HostReader } from '../../../src/host/reader.js';
import { DescriptorCache } from '../../../src/snapshot/descriptor-cache.js';
import type { ProcessInfo } from '../../../src/snapshot/model.js';
import { FixtureHost, fixtureText } from '../../helpers/fixture-host.js';

test('v1 blkio per device: every operation of each device; the grand Total line and junk skipped', () => {
  assert.deepEqual(parseBlkioDevices(fixtureText('hybrid-docker-cgroupfs/web/blkio/blkio.throttle.io_service_bytes')), [
    { major: 254, minor: 0, bytes: { Read: 1459200, Write: 314773504, Sync: 310378496, Async: 5854208, Discard: 0, Total: 316232704 } },
    { major: 8, minor: 0, bytes: { Read: 90112, Write: 0, Sync: 0, Async: 90112, Discard: 0, Total: 90112 } },
  ]);
  assert.deepEqual(parseBlkioDevices('Total 0\n'), [], 'as a container without IO has it on this machine');
  assert.deepEqual(parseBlkioDevices('8:0 Read x\nnonsense\n'), []);
  assert.deepEqual(parseBlkioDevices(null), []);
});

test('v2 io.stat per device: rbytes and wbytes as Read and Write', () => {
  assert.deepEqual(parseIoStatDevices(fixtureText('v2-debian13-docker/web/io.stat')), [
    { major: 254, minor: 0, bytes: { Read: 0, Write: 8388608 } },
  ]);
  assert.deepEqual(parseIoStatDevices('8:16 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6\n9:0 rbytes=7\n'), [
    { major: 8, minor: 16, bytes: { Read: 1, Write: 2 } },
    { major: 9, minor: 0, bytes: { Read: 7 } },
  ]);
  assert.deepEqual(parseIoStatDevices(''), []);
});

test('device names from sysfs uevent; unknown devices have none', (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.file('/sys/dev/block/254:0/uevent', 'MAJOR=254\nMINOR=0\nDEVNAME=vda\nDEVTYPE=disk\n');
  h.build();
  const r = new HostReader(hostPaths(h.root));
  assert.equal(blockDeviceName(r, 254, 0), '/dev/vda');
  assert.equal(blockDeviceName(r, 8, 0), '');
});

test('CPU topology: cores are (package, core) pairs; sockets are packages; sysfs silent is null', (t) => {
  const cpus = (pairs: Array<[string, string]>) => pairs.map(([packageId, coreId]) => ({ packageId, coreId }));
  // 2 sockets x 2 cores x 2 threads, cores numbered alike on both sockets
  const big = cpus([
    ['0', '0'],
    ['0', '1'],
    ['1', '0'],
    ['1', '1'],
    ['0', '0'],
    ['0', '1'],
    ['1', '0'],
    ['1', '1'],
  ]);
  assert.deepEqual(countTopology(big), { physicalCores: 4, sockets: 2 });
  assert.equal(countTopology([]), null);
  const h = new FixtureHost(t, { cgroup: 'v2' });
  for (const [cpu, pkg, core] of [
    ['cpu0', '0', '0'],
    ['cpu1', '0', '0'],
    ['cpu2', '0', '1'],
    ['cpu3', '0', '1'],
  ]) {
    h.file(`/sys/devices/system/cpu/${cpu}/topology/physical_package_id`, `${pkg}\n`);
    h.file(`/sys/devices/system/cpu/${cpu}/topology/core_id`, `${core}\n`);
  }
  h.file('/sys/devices/system/cpu/online', '0-3\n');
  h.build();
  assert.deepEqual(readCpuTopology(new HostReader(hostPaths(h.root))), { physicalCores: 2, sockets: 1 });
});

test('descriptors of this very process: the count by stat (Linux >= 6.2) equals the fd directory; sockets counted', async (t) => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const r = new HostReader(hostPaths('/'));
  const listed = readdirSync(`/proc/${process.pid}/fd`).length - 1; // readdir's own descriptor is in its listing
  const d = readDescriptors(r, process.pid)!;
  assert.ok(Math.abs(d.files - listed) <= 1, `${d.files} vs ${listed}`);
  assert.ok(d.sockets >= 1, 'the listening socket');
  const counted = countOpenFiles(r, process.pid);
  assert.ok(counted !== null && Math.abs(counted - d.files) <= 1, `stat size ${counted} vs ${d.files}`);
  assert.equal(readDescriptors(r, 2 ** 22 + 7), null, 'no such process');
});

test('descriptor cache: the count refreshed after its TTL, sockets after theirs, reused PIDs read afresh', async (t) => {
  let now = 0;
  const cache = new DescriptorCache(new HostReader(hostPaths('/')), 1000, 10_000, () => now);
  const me = { hostPid: process.pid, startTicks: 1 } as ProcessInfo;
  const live = new Map([[me.hostPid, me]]);
  const first = cache.count([me.hostPid], live)!;
  const fds = [openSync('/dev/null', 'r'), openSync('/dev/null', 'r'), openSync('/dev/null', 'r')];
  t.after(() => fds.forEach((fd) => closeSync(fd)));
  now = 500;
  assert.deepEqual(cache.count([me.hostPid], live), first, 'within the TTL: the cached count');
  now = 2000;
  const later = cache.count([me.hostPid], live)!;
  assert.ok(later.files >= first.files + 3 - 1, `${first.files} -> ${later.files}`);
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  assert.equal(cache.count([me.hostPid], live)!.sockets, first.sockets, 'sockets wait for their own TTL');
  now = 20_000;
  assert.equal(cache.count([me.hostPid], live)!.sockets, first.sockets + 1);
  const reused = new Map([[me.hostPid, { ...me, startTicks: 2 }]]);
  now = 20_001;
  assert.ok(cache.count([me.hostPid], reused), 'read afresh');
  cache.keepOnly(new Map());
  assert.equal(cache.count([], live), undefined);
});
