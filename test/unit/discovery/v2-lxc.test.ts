// Fixture host 6: cgroup v2, LXC 4+/5 (Debian 12's lxc 5.0).
// Layout: the monitor, titled "[lxc monitor] <lxcpath> <name>" (one argv string, rewritten by setproctitle), lives
// in /lxc.monitor.<name>; the container in /lxc.payload.<name>, where a systemd guest makes its own tree
// (init.scope, system.slice/...) and a busybox guest stays at the top. The rootfs comes from <lxcpath>/<name>/config
// (lxc.rootfs.path = dir:...). Privileged containers keep the host's user namespace.
// Sources: LXC's src/lxc/cgroups/cgfsng.c naming (lxc.monitor.<name>, lxc.payload.<name>), the monitor title from
// src/lxc/lxccontainer.c (setproctitle("[lxc monitor] %s %s")), lxc.container.conf(5) for the config keys; file
// formats from the kernel's cgroup-v2.rst.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanHost } from '../../../src/snapshot/scanner.js';
import type { Container } from '../../../src/snapshot/model.js';
import { FixtureHost, netDev } from '../../helpers/fixture-host.js';
import { assertAsideScanAgrees } from '../../helpers/scan-aside.js';

const WEB_NS = { pid: 4026533204, mnt: 4026533202, net: 4026533207, uts: 4026533203, ipc: 4026533205, cgroup: 4026533208 };
const DB_NS = { pid: 4026533304, mnt: 4026533302, net: 4026533307, uts: 4026533303, ipc: 4026533305, cgroup: 4026533308 };

function cgroupFiles(current: number, inactiveFile: number, usageUsec: number, pids: number) {
  return {
    'memory.current': `${current}\n`,
    'memory.stat': `anon ${current - 2 * inactiveFile}\nfile ${2 * inactiveFile}\ninactive_file ${inactiveFile}\n`,
    'memory.max': '2147483648\n',
    'memory.events': 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n',
    'cpu.stat': `usage_usec ${usageUsec}\nuser_usec ${usageUsec - 1000}\nsystem_usec 1000\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n`,
    'pids.current': `${pids}\n`,
    'pids.max': 'max\n',
  };
}

function lxcHost(t: { after(fn: () => void): void }): string {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  // web1: a Debian guest booting systemd
  h.process({
    pid: 8000,
    ppid: 1,
    comm: 'lxc-start',
    cmdline: Buffer.from('[lxc monitor] /var/lib/lxc web1\0\0\0\0'),
    cgroup: '/lxc.monitor.web1',
  });
  h.process({
    pid: 8010,
    ppid: 8000,
    comm: 'systemd',
    args: ['/sbin/init'],
    cgroup: '/lxc.payload.web1/init.scope',
    ns: WEB_NS,
    nspid: [8010, 1],
    netDev: netDev([
      { name: 'lo', rx: [100, 1, 0, 0], tx: [100, 1, 0, 0] },
      { name: 'eth0', rx: [555000, 900, 0, 0], tx: [44000, 300, 0, 0] },
    ]),
  });
  h.process({
    pid: 8040,
    ppid: 8010,
    comm: 'systemd-journal',
    args: ['/lib/systemd/systemd-journald'],
    cgroup: '/lxc.payload.web1/system.slice/systemd-journald.service',
    ns: WEB_NS,
    nspid: [8040, 31],
  });
  h.process({
    pid: 8090,
    ppid: 8010,
    comm: 'apache2',
    args: ['/usr/sbin/apache2', '-k', 'start'],
    cgroup: '/lxc.payload.web1/system.slice/apache2.service',
    ns: WEB_NS,
    nspid: [8090, 88],
  });
  h.file(
    '/var/lib/lxc/web1/config',
    '# Distribution configuration\nlxc.include = /usr/share/lxc/config/common.conf\nlxc.arch = linux64\n\n# Container specific configuration\nlxc.rootfs.path = dir:/var/lib/lxc/web1/rootfs\nlxc.uts.name = web1\n\n# Network configuration\nlxc.net.0.type = veth\nlxc.net.0.link = lxcbr0\nlxc.net.0.flags = up\n',
  );
  h.cgroupFiles('/lxc.payload.web1', cgroupFiles(104857600, 20971520, 9000000, 23));
  h.cgroupFiles('/lxc.payload.web1/init.scope', cgroupFiles(10485760, 1048576, 700000, 1));
  // db: a busybox guest, init at the payload's top
  h.process({ pid: 8500, ppid: 1, comm: 'lxc-start', cmdline: Buffer.from('[lxc monitor] /srv/lxc db\0'), cgroup: '/lxc.monitor.db' });
  h.process({ pid: 8510, ppid: 8500, comm: 'init', args: ['/sbin/init'], cgroup: '/lxc.payload.db', ns: DB_NS, nspid: [8510, 1] });
  h.process({ pid: 8520, ppid: 8510, comm: 'sh', args: ['/bin/sh'], cgroup: '/lxc.payload.db', ns: DB_NS, nspid: [8520, 5] });
  // `lxc-attach -n db -- /bin/sleep 999`: LXC 6 puts the attached process in the payload's .lxc child (seen in the
  // Debian 13 guest, test/vm/), its parent lxc-attach stays on the host
  h.process({
    pid: 8600,
    ppid: 1,
    comm: 'lxc-attach',
    args: ['lxc-attach', '-n', 'db', '--', '/bin/sleep', '999'],
    cgroup: '/user.slice/user-0.slice/session-1.scope',
  });
  h.process({
    pid: 8601,
    ppid: 8600,
    comm: 'sleep',
    args: ['/bin/sleep', '999'],
    cgroup: '/lxc.payload.db/.lxc',
    ns: DB_NS,
    nspid: [8601, 9],
  });
  h.file('/srv/lxc/db/config', 'lxc.rootfs.path = dir:/srv/lxc/db/rootfs\nlxc.uts.name = db\n');
  h.cgroupFiles('/lxc.payload.db', cgroupFiles(5242880, 524288, 120000, 2));
  return h.build();
}

const byName = (cs: Container[], name: string) => {
  const c = cs.find((x) => x.name === name);
  assert.ok(c, `container ${name} found`);
  return c;
};

test('v2 LXC: containers named from the monitor title, rootfs from the config, the monitor as shim', (t) => {
  const cs = scanHost({ root: lxcHost(t) }).containers;
  assert.deepEqual(
    cs.map((c) => [c.runtime, c.id, c.name, c.image, c.state]),
    [
      ['lxc', 'db', 'db', '/srv/lxc/db/rootfs', 'running'],
      ['lxc', 'web1', 'web1', '/var/lib/lxc/web1/rootfs', 'running'],
    ],
  );
  const web = byName(cs, 'web1');
  assert.deepEqual(web.shim, { pid: 8000, command: '[lxc monitor] /var/lib/lxc web1' });
  assert.deepEqual(web.init, { hostPid: 8010, containerPid: 1 });
  assert.deepEqual(web.pids, [8010, 8040, 8090], 'every process of the nested guest cgroups');
  assert.deepEqual(
    web.namespaces.filter((n) => n.sharedWithHost).map((n) => n.type),
    ['time', 'user'],
  );
  assert.equal(web.network?.rxBytes, 555000);
  assert.equal(web.extra.lxcpath, '/var/lib/lxc');
  assert.equal(byName(cs, 'db').extra.lxcpath, '/srv/lxc');
  assert.deepEqual(byName(cs, 'db').pids, [8510, 8520, 8601]);
});

test('v2 LXC: a guest without nested cgroups: figures of lxc.payload.<name>', (t) => {
  const db = byName(scanHost({ root: lxcHost(t) }).containers, 'db');
  assert.equal(db.cgroup?.path, '/lxc.payload.db');
  assert.deepEqual(db.cgroup?.memory, {
    usageBytes: 5242880,
    workingSetBytes: 5242880 - 524288,
    rssBytes: 5242880 - 1048576,
    cacheBytes: 1048576,
    swapBytes: undefined,
    limitBytes: 2147483648,
    oomKills: 0,
    oomEvents: 0,
    failcnt: 0,
  });
  assert.equal(db.cgroup?.cpu?.usageSeconds, 0.12);
  assert.deepEqual(db.cgroup?.pids, { current: 2, limit: undefined });
});

test("v2 LXC: a systemd guest's figures are the whole lxc.payload.<name>, not its init.scope", (t) => {
  const web = byName(scanHost({ root: lxcHost(t) }).containers, 'web1');
  assert.equal(web.cgroup?.path, '/lxc.payload.web1');
  assert.equal(web.cgroup?.memory?.usageBytes, 104857600);
  assert.equal(web.cgroup?.memory?.workingSetBytes, 104857600 - 20971520);
  assert.equal(web.cgroup?.cpu?.usageSeconds, 9);
  assert.equal(web.cgroup?.pids?.current, 23);
});

test('the one-shot scan with the PID namespaces read aside by the native helper sees exactly the same', async (t) => {
  await assertAsideScanAgrees(lxcHost(t), { includeStopped: true });
});
