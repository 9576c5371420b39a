// Discovery against real dockerd: `tctop ps/inspect --json` must agree exactly with `docker inspect` and `docker top`
// (host PIDs, init, container PIDs, shim, namespaces, limits), for single- and multi-process containers, exec'd
// processes, --pid host, stopped containers, and the ways a user refers to a container.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { dockerAvailable, dockerRm, dockerRun, TEST_IMAGE, testImagePresent } from '../helpers/docker.js';
import { isRoot, missing, sh } from '../helpers/prereq.js';
import {
  dockerInspect,
  dockerTopPids,
  foreignPidsInReportedCgroup,
  inspectOne,
  ppidOf,
  tctop,
  tctopJson,
  waitFor,
  type InspectJson,
  type PsRowJson,
} from '../helpers/runtimes.js';
import { assertIdentity, assertNamespaces, assertProcessesMatchDockerTop, names } from './discovery-docker-checks.js';

const prefix = `tctop-disc-${process.pid}`;
const MiB = 1024 * 1024;

test('docker: tctop agrees with docker inspect and docker top', { timeout: 120_000 }, async (t: TestContext) => {
  if (missing(t, isRoot(), 'root')) return;
  if (missing(t, dockerAvailable(), 'a running dockerd (bash test/prereqs.sh)')) return;
  if (missing(t, testImagePresent(), `image ${TEST_IMAGE} (bash test/prereqs.sh)`)) return;
  const created: string[] = [];
  t.after(() => dockerRm(...created));
  const run = (suffix: string, args: string[], cmd?: string[]) => {
    const name = `${prefix}-${suffix}`;
    created.push(name);
    dockerRun(name, args, cmd);
    return name;
  };

  const single = run('single', ['--memory', '64m', '--pids-limit', '50'], ['sleep', '1000']);
  const multi = run('multi', [], ['sh', '-c', 'sleep 1000 & sleep 1000 & wait']);
  const pidHost = run('pidhost', ['--pid', 'host'], ['sleep', '1000']);
  const stopped = run('stopped', [], ['true']);
  sh('docker', ['wait', stopped]);
  sh('docker', ['exec', '-d', multi, 'sleep', '999']);
  // the exec'd process and both background sleeps are up once docker top lists all four
  await waitFor('multi-process container to reach 4 processes', () => dockerTopPids(multi).length === 4);

  await t.test('single process: identity, init, shim, PIDs, namespaces, limits', () => {
    const c = inspectOne(single);
    assertIdentity(c, single);
    assert.equal(c.init?.containerPid, 1);
    assert.equal(c.processes.length, 1);
    assertProcessesMatchDockerTop(c, single);
    assertNamespaces(c, false);
    assert.equal(c.cgroup?.path, `/docker/${c.id}`);
    assert.deepEqual(foreignPidsInReportedCgroup(c), []);
    assert.equal(c.cgroup?.memory?.limitBytes, 64 * MiB, 'memory limit from --memory 64m');
    assert.equal(c.cgroup?.pids?.limit, 50, 'pids limit from --pids-limit 50');
    assert.equal(c.cgroup?.pids?.current, 1);
  });

  await t.test("multi-process with docker exec: every process, exec'd ones parented by the shim", () => {
    const c = inspectOne(multi);
    assertIdentity(c, multi);
    assert.equal(c.init?.containerPid, 1);
    assertProcessesMatchDockerTop(c, multi);
    assertNamespaces(c, false);
    const exec = c.processes.find((p) => p.command === 'sleep 999');
    assert.ok(exec, "the exec'd process is listed");
    assert.equal(exec.ppid, c.shim?.pid, "an exec'd process's parent is the shim, not init");
    assert.equal(exec.ppid, ppidOf(exec.hostPid));
    for (const p of c.processes.filter((x) => x.command === 'sleep 1000')) assert.equal(p.ppid, c.init?.hostPid);
    const [byPid] = tctopJson<InspectJson[]>('inspect', '--json', '--pid', String(exec.hostPid));
    assert.equal(byPid.id, c.id, "inspect --pid <exec'd pid> finds the container");
    const shim = tctop('inspect', '--pid', String(c.shim!.pid));
    assert.equal(shim.status, 1, 'the shim is not inside the container');
    assert.match(shim.stderr, new RegExp(`^tctop: process ${c.shim!.pid} is the shim of container ${c.id.slice(0, 12)}.*\n$`));
  });

  await t.test('--pid host: init keeps its host PID, the PID namespace is the host one', () => {
    const c = inspectOne(pidHost);
    assertIdentity(c, pidHost);
    assert.equal(c.init?.containerPid, c.init?.hostPid, 'no PID namespace of its own');
    assertProcessesMatchDockerTop(c, pidHost);
    assertNamespaces(c, true);
  });

  await t.test('ps --json rows carry the same identity, init and shim as inspect', () => {
    const rows = tctopJson<PsRowJson[]>('ps', '--json', '--runtime', 'docker');
    for (const name of [single, multi, pidHost]) {
      const row = rows.find((r) => r.name === name);
      const full = inspectOne(name);
      assert.ok(row, `${name} in ps`);
      assert.deepEqual(
        { id: row.id, runtime: row.runtime, image: row.image, state: row.state, init: row.init, shim: row.shim },
        { id: full.id, runtime: full.runtime, image: full.image, state: full.state, init: full.init, shim: full.shim },
      );
    }
  });

  await t.test('ps filters: name=, --runtime', () => {
    const running = [multi, pidHost, single].sort();
    assert.deepEqual(names(tctopJson<PsRowJson[]>('ps', '--json', '--filter', `name=${prefix}`)), running);
    assert.deepEqual(names(tctopJson<PsRowJson[]>('ps', '--json', '--filter', `name=${prefix}-multi`)), [multi]);
    const docker = tctopJson<PsRowJson[]>('ps', '--json', '--runtime', 'docker');
    assert.ok(docker.every((r) => r.runtime === 'docker'));
    assert.ok(running.every((n) => docker.some((r) => r.name === n)));
    const lxc = tctopJson<PsRowJson[]>('ps', '--json', '--runtime', 'lxc');
    assert.ok(!lxc.some((r) => r.name.startsWith(prefix)), '--runtime lxc leaves docker containers out');
  });

  await t.test('ps -a shows the stopped container; plain ps does not', () => {
    const id = dockerInspect(stopped, '{{.Id}}');
    assert.ok(!tctopJson<PsRowJson[]>('ps', '--json').some((r) => r.id === id));
    const row = tctopJson<PsRowJson[]>('ps', '-a', '--json', '--filter', `name=${stopped}`).find((r) => r.id === id);
    assert.ok(row, 'listed with -a');
    assert.equal(row.state, 'exited');
    assert.equal(row.init, null);
    const c = inspectOne(stopped);
    assert.equal(c.id, id);
    assert.deepEqual(c.processes, []);
  });

  await t.test('an ambiguous ID prefix lists the candidates and exits 1', () => {
    // create (not start) containers until two of ours share a first hex digit: cheap, and certain to end
    const byDigit = new Map<string, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; i < 17 && !pair; i++) {
      const name = `${prefix}-amb${i}`;
      created.push(name);
      const id = sh('docker', ['create', '--name', name, '--label', 'tctop-test=1', TEST_IMAGE, 'true']).trim();
      const other = byDigit.get(id[0]);
      if (other) pair = [other, id];
      else byDigit.set(id[0], id);
    }
    assert.ok(pair, '17 IDs over 16 hex digits always share one');
    let common = 0;
    while (pair[0][common] === pair[1][common]) common++;
    const ref = pair[0].slice(0, common);
    const r = tctop('inspect', '--json', ref);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, 'one line on stderr');
    assert.match(r.stderr, /^tctop: .*matches \d+ containers/);
    for (const id of pair) assert.ok(r.stderr.includes(id.slice(0, 12)), `candidate ${id.slice(0, 12)} listed`);
    // the shortest prefix no other container on the host has resolves (others' containers may share digits too)
    const allIds = tctopJson<PsRowJson[]>('ps', '-a', '--json').map((r) => r.id);
    let unique = common + 1;
    while (allIds.some((x) => x !== pair[1] && x.startsWith(pair[1].slice(0, unique)))) unique++;
    assert.equal(inspectOne(pair[1].slice(0, unique)).id, pair[1]);
  });

  await t.test('inspect by full IDs (answered before the PID-namespace pass) reports what inspect by names does', () => {
    const names = [single, multi, pidHost, stopped];
    const ids = names.map((n) => dockerInspect(n, '{{.Id}}'));
    // what does not move between two runs: identity, processes, namespaces, cgroup path and limits
    const stable = (c: InspectJson) => ({
      ...c,
      cgroup: c.cgroup && {
        version: c.cgroup.version,
        path: c.cgroup.path,
        limit: c.cgroup.memory?.limitBytes,
        pids: c.cgroup.pids?.limit,
      },
      network: null,
      processes: c.processes.map((p) => ({
        hostPid: p.hostPid,
        containerPid: p.containerPid,
        ppid: p.ppid,
        user: p.user,
        command: p.command,
      })),
    });
    const byIds = tctopJson<InspectJson[]>('inspect', '--json', ...ids).map(stable);
    const byNames = tctopJson<InspectJson[]>('inspect', '--json', ...names).map(stable);
    assert.deepEqual(byIds, byNames);
    assert.deepEqual(
      byIds.map((c) => c.id),
      ids,
    );
    // a full ID no container has: the whole scan runs, then the usual error
    const r = tctop('inspect', '--json', 'f'.repeat(64));
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `tctop: no such container: ${'f'.repeat(64)}\n`);
  });

  await t.test('an unknown reference is one line on stderr and exit 1', () => {
    const r = tctop('inspect', '--json', `${prefix}-no-such-container`);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `tctop: no such container: ${prefix}-no-such-container\n`);
  });
});
