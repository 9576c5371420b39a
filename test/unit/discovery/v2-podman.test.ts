// Fixture host 4: cgroup v2, podman with the systemd cgroup manager, rootful and rootless.
// Layout: rootful containers in /machine.slice/libpod-<id>.scope with conmon in /machine.slice/libpod-conmon-<id>.scope;
// crun puts the payload (and exec'd processes) in the scope's `container` child, the limits are on the scope (seen in
// the Debian 13 guest, podman 5.4 + crun 1.21, test/vm/)
// (conmon daemonised, parent PID 1; argv --api-version 1 -c <id> -u <id> -r <runtime> -b <userdata> -n <name> ...
// --exit-command /usr/bin/podman); names and images in /var/lib/containers/storage/overlay-containers/containers.json
// (containers/storage's format: "names", "image", "metadata" a JSON string with image-name, "created").
// Rootless: the same below /user.slice/user-<uid>.slice/user@<uid>.service/user.slice/ (payload in the scope's
// `container` child too, as the guest showed: v2-podman-rootless-captured.test.ts), in the user's own user
// namespace, storage under ~/.local/share/containers/storage.
// Sources: conmon argv from podman-container-tools/podman#6400 (debug log "running conmon"), scope names from
// podman's systemd cgroup manager (libpod-<id>.scope / libpod-conmon-<id>.scope), containers.json as written by
// containers/storage; file formats from the kernel's cgroup-v2.rst. Values: test/fixtures/hosts/v2-podman.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanHost } from '../../../src/snapshot/scanner.js';
import type { Container } from '../../../src/snapshot/model.js';
import { FixtureHost, fixtureDir, netDev } from '../../helpers/fixture-host.js';
import { assertAsideScanAgrees } from '../../helpers/scan-aside.js';

const REDIS = '9a1fe1c7a2a8f0d4b3e5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b';
const ES = '1221b4fc5b0884db2b86641b33c59723e10e035222ba9739f47c9a25b5433657';
const ROOTLESS_SLICE = '/user.slice/user-1000.slice/user@1000.service/user.slice';
const ALICE_STORAGE = '/home/alice/.local/share/containers/storage';

function conmon(id: string, name: string, storage: string, runroot: string): string[] {
  return [
    '/usr/bin/conmon',
    '--api-version',
    '1',
    '-c',
    id,
    '-u',
    id,
    '-r',
    '/usr/bin/crun',
    '-b',
    `${storage}/overlay-containers/${id}/userdata`,
    '-p',
    `${runroot}/overlay-containers/${id}/userdata/pidfile`,
    '-n',
    name,
    '--exit-dir',
    `${runroot.replace('/containers', '/libpod')}/exits`,
    '--full-attach',
    '-s',
    '-l',
    'journald',
    '--log-level',
    'warning',
    '--syslog',
    '--conmon-pidfile',
    `${runroot}/overlay-containers/${id}/userdata/conmon.pid`,
    '--exit-command',
    '/usr/bin/podman',
    '--exit-command-arg',
    '--root',
    '--exit-command-arg',
    storage,
    '--exit-command-arg',
    '--runroot',
    '--exit-command-arg',
    runroot,
    '--exit-command-arg',
    '--cgroup-manager',
    '--exit-command-arg',
    'systemd',
    '--exit-command-arg',
    'container',
    '--exit-command-arg',
    'cleanup',
    '--exit-command-arg',
    id,
  ];
}

function containersJson(id: string, name: string, imageName: string, created: string) {
  const imageId = 'b'.repeat(64);
  return [
    {
      id,
      names: [name],
      image: imageId,
      layer: 'c'.repeat(64),
      metadata: JSON.stringify({
        'image-name': imageName,
        'image-id': imageId,
        name,
        'created-at': Math.floor(Date.parse(created) / 1000),
        mountlabel: '',
      }),
      created,
      flags: { MountLabel: '', ProcessLabel: '' },
    },
  ];
}

const REDIS_NS = { pid: 4026532801, mnt: 4026532799, net: 4026532804, uts: 4026532800, ipc: 4026532802, cgroup: 4026532805 };
const ES_NS = { user: 4026532901, pid: 4026532905, mnt: 4026532903, net: 4026532908, uts: 4026532904, ipc: 4026532906, cgroup: 4026532909 };

function podmanHost(t: { after(fn: () => void): void }): string {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.process({
    pid: 5100,
    ppid: 1,
    comm: 'conmon',
    args: conmon(REDIS, 'cache', '/var/lib/containers/storage', '/run/containers/storage'),
    cgroup: `/machine.slice/libpod-conmon-${REDIS}.scope`,
  });
  h.process({
    pid: 5103,
    ppid: 5100,
    comm: 'redis-server',
    args: ['redis-server *:6379'],
    uid: 999,
    cgroup: `/machine.slice/libpod-${REDIS}.scope/container`,
    ns: REDIS_NS,
    nspid: [5103, 1],
    threads: 5,
    netDev: netDev([
      { name: 'lo', rx: [0, 0, 0, 0], tx: [0, 0, 0, 0] },
      { name: 'eth0', rx: [20480, 160, 0, 0], tx: [10240, 80, 0, 0] },
    ]),
  });
  // `podman exec cache sh`: conmon forks exec sessions too
  h.process({
    pid: 5190,
    ppid: 5100,
    comm: 'sh',
    args: ['sh'],
    cgroup: `/machine.slice/libpod-${REDIS}.scope/container`,
    ns: REDIS_NS,
    nspid: [5190, 7],
  });
  h.json(
    '/var/lib/containers/storage/overlay-containers/containers.json',
    containersJson(REDIS, 'cache', 'docker.io/library/redis:7.2', '2023-11-14T22:40:00.123456789Z'),
  );
  h.cgroupFiles(`/machine.slice/libpod-${REDIS}.scope`, fixtureDir('v2-podman/redis'));
  // rootless, user alice (1000): root in the container is alice on the host
  h.process({
    pid: 6100,
    ppid: 1,
    comm: 'conmon',
    uid: 1000,
    args: conmon(ES, 'es', ALICE_STORAGE, '/run/user/1000/containers'),
    cgroup: `${ROOTLESS_SLICE}/libpod-conmon-${ES}.scope`,
  });
  h.process({
    pid: 6102,
    ppid: 6100,
    comm: 'java',
    args: ['/usr/share/elasticsearch/jdk/bin/java', '-Xms1g'],
    uid: 1000,
    cgroup: `${ROOTLESS_SLICE}/libpod-${ES}.scope/container`,
    ns: ES_NS,
    nspid: [6102, 1],
  });
  h.json(
    `${ALICE_STORAGE}/overlay-containers/containers.json`,
    containersJson(ES, 'es', 'docker.elastic.co/elasticsearch/elasticsearch:8.11.1', '2023-11-14T23:00:00Z'),
  );
  h.cgroupFiles(`${ROOTLESS_SLICE}/libpod-${ES}.scope`, {
    'memory.current': '1207959552\n',
    'memory.stat': 'anon 1132462080\nfile 75497472\ninactive_file 50331648\n',
    'memory.max': 'max\n',
  });
  return h.build();
}

const byId = (cs: Container[], id: string) => {
  const c = cs.find((x) => x.id === id);
  assert.ok(c, `container ${id.slice(0, 12)} found`);
  return c;
};

test("v2 podman (rootful): name and image from containers.json, conmon as shim, exec'd process", (t) => {
  const cs = scanHost({ root: podmanHost(t) }).containers;
  const c = byId(cs, REDIS);
  assert.equal(c.runtime, 'podman');
  assert.equal(c.name, 'cache');
  assert.equal(c.image, 'docker.io/library/redis:7.2');
  assert.equal(c.state, 'running');
  assert.equal(c.createdAt, Date.parse('2023-11-14T22:40:00.123Z') / 1000);
  assert.deepEqual(c.labels, {});
  assert.deepEqual(c.shim, {
    pid: 5100,
    command: conmon(REDIS, 'cache', '/var/lib/containers/storage', '/run/containers/storage').join(' '),
  });
  assert.deepEqual(c.init, { hostPid: 5103, containerPid: 1 });
  assert.deepEqual(c.pids, [5103, 5190]);
  assert.deepEqual(
    c.namespaces.filter((n) => n.sharedWithHost).map((n) => n.type),
    ['time', 'user'],
  );
});

test('v2 podman (rootful): every cgroup figure, computed by hand', (t) => {
  const c = byId(scanHost({ root: podmanHost(t) }).containers, REDIS);
  assert.deepEqual(c.cgroup, {
    version: 2,
    path: `/machine.slice/libpod-${REDIS}.scope`,
    frozen: false, // cgroup.events: frozen 0
    cpu: {
      usageSeconds: 0.402118,
      userSeconds: 0.250071,
      systemSeconds: 0.152047,
      periods: 0,
      throttledPeriods: 0,
      throttledSeconds: 0,
      quotaMicros: undefined,
      periodMicros: 100000,
      shares: 2597,
      cpusetCpus: undefined,
    },
    memory: {
      usageBytes: 6107136,
      workingSetBytes: 6107136 - 512000,
      rssBytes: 3407872,
      cacheBytes: 1167360,
      swapBytes: 0,
      limitBytes: 1073741824,
      oomKills: 0,
      oomEvents: 0,
      failcnt: 0,
      kernelUsageBytes: 1081344,
      mappedFileBytes: 7430144,
      pgfault: 7593,
      pgmajfault: 112,
    },
    pids: { current: 5, limit: 2048 },
    io: {
      readBytes: 0,
      writeBytes: 139264,
      readOps: 0,
      writeOps: 17,
      devices: [{ device: '', major: 254, minor: 0, bytes: { Read: 0, Write: 139264 } }],
    },
    pressure: {
      cpu: { someTotalMicros: 3312, fullTotalMicros: 1200 },
      memory: { someTotalMicros: 0, fullTotalMicros: 0 },
      io: { someTotalMicros: 0, fullTotalMicros: 0 },
    },
  });
  assert.equal(c.network?.rxBytes, 20480);
  assert.equal(c.network?.txBytes, 10240);
});

test('v2 podman (rootless): found below user@1000.service, named from conmon -n, own user namespace', (t) => {
  const c = byId(scanHost({ root: podmanHost(t) }).containers, ES);
  assert.equal(c.runtime, 'podman');
  assert.equal(c.name, 'es');
  assert.equal(c.shim?.pid, 6100);
  assert.deepEqual(c.init, { hostPid: 6102, containerPid: 1 });
  assert.equal(c.namespaces.find((n) => n.type === 'user')?.sharedWithHost, false);
  assert.equal(c.cgroup?.path, `${ROOTLESS_SLICE}/libpod-${ES}.scope`);
  assert.equal(c.cgroup?.memory?.workingSetBytes, 1207959552 - 50331648);
});

test("v2 podman (rootless): image and created time from the user's own containers.json (the storage root conmon -b names)", (t) => {
  const c = byId(scanHost({ root: podmanHost(t) }).containers, ES);
  assert.equal(c.image, 'docker.elastic.co/elasticsearch/elasticsearch:8.11.1');
  assert.equal(c.createdAt, Date.parse('2023-11-14T23:00:00Z') / 1000);
});

test('the one-shot scan with the PID namespaces read aside by the native helper sees exactly the same', async (t) => {
  await assertAsideScanAgrees(podmanHost(t), { includeStopped: true });
});
