// Docker set-ups that bend the usual shape, where tctop must still agree exactly with docker inspect and docker top:
// a PID namespace shared between two containers, --init, a custom --cgroup-parent with a non-root user, a paused
// container, and a restarted one (new init, same ID).
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { dockerAvailable, dockerRm, dockerRun, TEST_IMAGE, testImagePresent } from '../helpers/docker.js';
import { isRoot, missing, sh } from '../helpers/prereq.js';
import { cgroupDirsNamed, dockerInspect, dockerTopPids, inspectOne, nsInode, removeNewCgroupDirs, waitFor } from '../helpers/runtimes.js';
import { assertIdentity, assertNamespaces, assertProcessesMatchDockerTop, innermostPid } from './discovery-docker-checks.js';

const prefix = `tctop-edge-${process.pid}`;
const cgroupParent = `tctop-test-${process.pid}`;

test('docker edge cases: tctop still agrees with docker', { timeout: 120_000 }, async (t: TestContext) => {
  if (missing(t, isRoot(), 'root')) return;
  if (missing(t, dockerAvailable(), 'a running dockerd (bash test/prereqs.sh)')) return;
  if (missing(t, testImagePresent(), `image ${TEST_IMAGE} (bash test/prereqs.sh)`)) return;
  const created: string[] = [];
  const cgroupsBefore = cgroupDirsNamed(cgroupParent);
  t.after(() => {
    dockerRm(...created);
    removeNewCgroupDirs(cgroupsBefore, cgroupParent); // dockerd creates a --cgroup-parent and never removes it
  });
  const run = (suffix: string, args: string[], cmd: string[]) => {
    const name = `${prefix}-${suffix}`;
    created.push(name);
    dockerRun(name, args, cmd);
    return name;
  };

  const owner = run('owner', [], ['sleep', '1000']);
  const joiner = run('joiner', ['--pid', `container:${owner}`], ['sleep', '1001']);
  const withInit = run('init', ['--init'], ['sleep', '1002']);
  const custom = run('cgparent', ['--cgroup-parent', `/${cgroupParent}`, '--user', '65534:65534'], ['sleep', '1003']);
  const paused = run('paused', [], ['sleep', '1004']);
  const restarted = run('restarted', [], ['sleep', '1005']);
  sh('docker', ['pause', paused]);
  const firstInit = Number(dockerInspect(restarted, '{{.State.Pid}}'));
  sh('docker', ['restart', '-t', '0', restarted]);
  await waitFor('--init to start its child', () => dockerTopPids(withInit).length === 2);

  await t.test('two containers in one PID namespace stay two containers', () => {
    const a = inspectOne(owner);
    const b = inspectOne(joiner);
    assertIdentity(a, owner);
    assertIdentity(b, joiner);
    assertProcessesMatchDockerTop(a, owner);
    assertProcessesMatchDockerTop(b, joiner);
    assert.equal(a.namespaces.find((n) => n.type === 'pid')?.inode, b.namespaces.find((n) => n.type === 'pid')?.inode, 'one PID namespace');
    assert.notEqual(b.init?.containerPid, 1, "the joiner's init is not PID 1 of the namespace it joined");
    assert.equal(b.init?.containerPid, innermostPid(b.init!.hostPid));
    assertNamespaces(a, false);
    assertNamespaces(b, false);
  });

  await t.test('--init: docker-init is the init, the command its child', () => {
    const c = inspectOne(withInit);
    assertIdentity(c, withInit);
    assertProcessesMatchDockerTop(c, withInit);
    assert.match(c.processes[0].command, /docker-init -- sleep 1002$/);
    const child = c.processes.find((p) => p.command === 'sleep 1002');
    assert.equal(child?.ppid, c.init?.hostPid);
  });

  await t.test('--cgroup-parent and a non-root user', () => {
    const c = inspectOne(custom);
    assertIdentity(c, custom);
    assertProcessesMatchDockerTop(c, custom);
    assertNamespaces(c, false);
    assert.equal(c.cgroup?.path, `/${cgroupParent}/${c.id}`);
    assert.equal(c.processes[0].user, 'nobody');
  });

  await t.test('paused: state paused, processes still listed', () => {
    const c = inspectOne(paused);
    assertIdentity(c, paused, 'paused');
    assertProcessesMatchDockerTop(c, paused);
  });

  await t.test('restarted: the same ID with its new init', () => {
    const c = inspectOne(restarted);
    assertIdentity(c, restarted);
    assertProcessesMatchDockerTop(c, restarted);
    assert.notEqual(c.init?.hostPid, firstInit);
    assert.equal(c.namespaces.find((n) => n.type === 'pid')?.inode, nsInode(c.init!.hostPid, 'pid'));
  });
});
