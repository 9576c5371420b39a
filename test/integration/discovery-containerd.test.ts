// Discovery against real containerd driven by ctr: runtime containerd, the ctr namespace as a label, init and
// process set as `ctr task ls` / `ctr task ps` report them, the shim as init's parent.
// It uses the containerd Docker runs on (containerdAddress), in a namespace of its own: no daemon to start or stop.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { dockerAvailable, TEST_IMAGE, testImagePresent } from '../helpers/docker.js';
import { hasCommand, isRoot, missing } from '../helpers/prereq.js';
import {
  cgroupDirsNamed,
  ctr,
  containerdAddress,
  ctrImportDockerImage,
  ctrQuiet,
  foreignPidsInReportedCgroup,
  HOST_NS_PID,
  inspectOne,
  NAMESPACE_TYPES,
  nsInode,
  ppidOf,
  psRow,
  removeNewCgroupDirs,
  tctopJson,
  waitFor,
  type InspectJson,
} from '../helpers/runtimes.js';

const namespace = `tctop-test-${process.pid}`;
const IMAGE_REF = `docker.io/${TEST_IMAGE}`;
const id = `tctop-ctr-${process.pid}`;

/** `ctr task ps <id>`: the host PIDs of the task's processes. */
function taskPids(): number[] {
  return ctr(namespace, ['task', 'ps', id])
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => Number(l.trim().split(/\s+/)[0]))
    .sort((a, b) => a - b);
}

/** The task's row in `ctr task ls`: ID, PID, STATUS. */
function taskRow(): string[] | undefined {
  return ctr(namespace, ['task', 'ls'])
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find((f) => f[0] === id);
}

function taskInitPid(): number {
  return Number(taskRow()?.[1]);
}

/** Everything the test created in containerd, including the namespace and its cgroup parents; never throws. */
async function cleanup(cgroupsBefore: Set<string>): Promise<void> {
  ctrQuiet(namespace, ['task', 'kill', '-s', 'KILL', id]);
  await waitFor('task to stop', () => (taskRow()?.[2] ?? 'STOPPED') === 'STOPPED', 5_000).catch(() => undefined);
  ctrQuiet(namespace, ['task', 'rm', '-f', id]);
  ctrQuiet(namespace, ['containers', 'rm', id]);
  ctrQuiet(namespace, ['images', 'rm', '--sync', IMAGE_REF]);
  // content is garbage-collected shortly after the image goes; the namespace can only go once it is empty
  await waitFor('namespace removal', () => ctrQuiet(null, ['namespaces', 'rm', namespace]), 10_000).catch(() => undefined);
  removeNewCgroupDirs(cgroupsBefore, namespace);
}

test('containerd (ctr): tctop agrees with ctr task ls / task ps', { timeout: 60_000 }, async (t: TestContext) => {
  if (missing(t, isRoot(), 'root')) return;
  if (
    missing(t, hasCommand('ctr') && dockerAvailable() && containerdAddress() !== null, "ctr and Docker's containerd (bash test/prereqs.sh)")
  )
    return;
  if (missing(t, testImagePresent(), `image ${TEST_IMAGE} (bash test/prereqs.sh)`)) return;
  const cgroupsBefore = cgroupDirsNamed(namespace);
  t.after(() => cleanup(cgroupsBefore));

  ctrImportDockerImage(namespace, TEST_IMAGE);
  ctr(namespace, ['run', '-d', IMAGE_REF, id, 'sleep', '1000']);
  ctr(namespace, ['task', 'exec', '-d', '--exec-id', 'extra', id, 'sleep', '999']);
  await waitFor('exec to start', () => taskPids().length === 2);

  await t.test('ps shows it as runtime containerd, with its namespace label', () => {
    const row = psRow(id, 'containerd');
    assert.ok(row, `${id} in ps --runtime containerd`);
    assert.equal(row.name, id);
    assert.equal(row.state, 'running');
    assert.equal(row.labels['io.containerd.namespace'], namespace);
    assert.equal(row.init?.hostPid, taskInitPid(), 'init = ctr task ls PID');
  });

  await t.test('inspect: processes = ctr task ps, init PID 1 inside, shim = init parent, own namespaces', () => {
    const c: InspectJson = inspectOne(id);
    assert.equal(c.runtime, 'containerd');
    const init = taskInitPid();
    assert.equal(c.init?.hostPid, init);
    assert.equal(c.init?.containerPid, 1);
    assert.deepEqual(
      c.processes.map((p) => p.hostPid).sort((a, b) => a - b),
      taskPids(),
    );
    assert.equal(c.shim?.pid, ppidOf(init));
    assert.match(c.shim?.command ?? '', /^(\S*\/)?containerd-shim/);
    assert.match(c.shim?.command ?? '', new RegExp(`-namespace ${namespace}\\b`));
    const exec = c.processes.find((p) => p.command === 'sleep 999');
    assert.equal(exec?.ppid, c.shim?.pid, "the exec'd process hangs off the shim");
    for (const type of NAMESPACE_TYPES) {
      const ns = c.namespaces.find((n) => n.type === type);
      assert.equal(ns?.inode, nsInode(init, type), `${type} inode`);
      assert.equal(ns?.sharedWithHost, false, `${type} not shared`);
      assert.notEqual(ns?.inode, nsInode(HOST_NS_PID, type));
    }
    assert.equal(c.cgroup?.path, `/${namespace}/${id}`, "ctr's default cgroup /<namespace>/<id>");
    assert.deepEqual(foreignPidsInReportedCgroup(c), []);
    const [byPid] = tctopJson<InspectJson[]>('inspect', '--json', '--pid', String(exec!.hostPid));
    assert.equal(byPid.id, id);
  });
});
