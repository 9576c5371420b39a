// tctop as a Kubernetes DaemonSet on a cgroup v2 node (`tctop ps --root /host`, the host's /proc and /sys/fs/cgroup
// mounted under /host). Pods get a private cgroup namespace by default on v2, so /host/proc/<pid>/cgroup shows every
// host process's cgroup relative to tctop's own: "0::/../../../../system.slice/docker-<id>.scope" when tctop runs four
// levels down (kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid>.slice/cri-containerd-<id>.scope).
// Sources: cgroups(7) "Cgroup namespaces" (paths outside the namespace root shown with ../ components), the kernel's
// cgroup-v2.rst "Namespace"; the mount layout is the one README.md documents for --root.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanHost } from '../../../src/snapshot/scanner.js';
import { FixtureHost, fixtureDir } from '../../helpers/fixture-host.js';

const ID = '3c1f5a4e9b2d7c80e6f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7';
const SCOPE = `/system.slice/docker-${ID}.scope`;
const UP = '/../../../..'; // from tctop's own cgroup up to the node's root
const CT_NS = { pid: 4026534501, mnt: 4026534500, net: 4026534503 };

function nodeSeenFromPod(t: { after(fn: () => void): void }): string {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.process({
    pid: 2000,
    ppid: 1,
    comm: 'containerd-shim',
    args: ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'moby', '-id', ID, '-address', '/run/containerd/containerd.sock'],
    cgroup: `0::${UP}/system.slice/containerd.service`,
    inCgroupProcs: false,
  });
  h.process({
    pid: 2010,
    ppid: 2000,
    comm: 'nginx',
    args: ['nginx'],
    cgroup: `0::${UP}${SCOPE}`,
    ns: CT_NS,
    nspid: [2010, 1],
    inCgroupProcs: false,
  });
  h.cgroupFiles(SCOPE, { ...fixtureDir('v2-docker-systemd/web'), 'cgroup.procs': '2010\n' });
  h.json(`/var/lib/docker/containers/${ID}/config.v2.json`, {
    ID,
    Name: '/web',
    Config: { Image: 'nginx:1.25', Labels: {} },
    State: { Running: true, Pid: 2010 },
  });
  return h.build();
}

test('DaemonSet with a private cgroup namespace: the container is found from the cgroup tree', (t) => {
  const c = scanHost({ root: nodeSeenFromPod(t) }).containers;
  assert.deepEqual(
    c.map((x) => [x.id, x.name, x.init?.hostPid, x.shim?.pid]),
    [[ID, 'web', 2010, 2000]],
  );
});

test("DaemonSet with a private cgroup namespace: the figures come from the container's cgroup, not a path outside the mount", (t) => {
  const c = scanHost({ root: nodeSeenFromPod(t) }).containers[0];
  assert.equal(c.cgroup?.path, SCOPE);
  assert.equal(c.cgroup?.memory?.usageBytes, 19558400);
  assert.equal(c.cgroup?.memory?.workingSetBytes, 9760768);
  assert.equal(c.cgroup?.cpu?.usageSeconds, 1.839214);
});
