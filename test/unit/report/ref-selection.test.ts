// inspect's selection (report/ref-selection.ts): a scan that builds only the container cgroups the references may
// name resolves every reference exactly as the scan of everything does (docker's order: full ID, exact name,
// unique prefix; ambiguity and absence alike), and leaves the other containers' processes unread.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveContainer } from '../../../src/report/resolve.js';
import { refSelection } from '../../../src/report/ref-selection.js';
import type { HostSnapshot } from '../../../src/snapshot/model.js';
import { scanHost } from '../../../src/snapshot/scanner.js';
import { FixtureHost } from '../../helpers/fixture-host.js';

const WEB = `ab12${'0'.repeat(60)}`;
const NAMED_LIKE_WEB = `ab34${'1'.repeat(60)}`; // named "ab12": a name wins over WEB's prefix
const API = `cd56${'2'.repeat(60)}`;
const OLD = `ef78${'3'.repeat(60)}`; // stopped
const UNNAMED = `ab99${'4'.repeat(60)}`; // no config.v2.json: its name is its short ID, known once built
const ns = (base: number) => ({ pid: base + 1, mnt: base, net: base + 3 });

function host(t: { after(fn: () => void): void }): string {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  const docker = (pid: number, id: string, name: string | null) => {
    h.process({
      pid,
      ppid: 1,
      comm: 'sh',
      args: ['sh'],
      cgroup: `/system.slice/docker-${id}.scope`,
      ns: ns(4026540000 + pid * 10),
      nspid: [pid, 1],
    });
    h.process({
      pid: pid + 1,
      ppid: pid,
      comm: 'sleep',
      args: ['sleep', '1d'],
      cgroup: `/system.slice/docker-${id}.scope`,
      ns: ns(4026540000 + pid * 10),
      nspid: [pid + 1, 2],
    });
    if (name !== null)
      h.json(`/var/lib/docker/containers/${id}/config.v2.json`, {
        ID: id,
        Name: `/${name}`,
        Config: { Image: 'busybox' },
        State: { Running: true, Pid: pid },
      });
  };
  docker(3000, WEB, 'web');
  docker(3100, NAMED_LIKE_WEB, 'ab12');
  docker(3200, UNNAMED, null);
  // tctop's own, of an engine root of its own: its shim's --state says where its name is
  h.process({
    pid: 3299,
    ppid: 1,
    comm: 'tctop-shim',
    args: ['/opt/tctop/native/build/tctop-shim', '--id', API, '--state', `/srv/engine/containers/${API}`],
    cgroup: '/system.slice/tctop.service',
  });
  h.process({ pid: 3300, ppid: 3299, comm: 'sh', args: ['sh'], cgroup: `/tctop/${API}`, ns: ns(4026541000), nspid: [3300, 1] });
  h.json(`/srv/engine/containers/${API}/state.json`, { id: API, name: 'api', image: 'busybox', status: 'running' });
  h.json(`/var/lib/tctop/containers/${OLD}/state.json`, { id: OLD, name: 'old', image: 'busybox', status: 'exited', exitCode: 0 });
  // a sandbox: a PID namespace of its own, in no container cgroup
  h.process({ pid: 3400, ppid: 1, comm: 'lonely', args: ['lonely'], cgroup: '/user.slice', ns: ns(4026542000), nspid: [3400, 1] });
  return h.build();
}

/** The container a reference resolves to, or the error it fails with. */
function resolved(snap: HostSnapshot, ref: string): string {
  try {
    return resolveContainer(snap.containers, ref).id;
  } catch (err) {
    return `${(err as Error).constructor.name}: ${(err as Error).message}`;
  }
}

test('inspect builds only what its references may name, and resolves each as the full scan does', (t) => {
  const root = host(t);
  const full = scanHost({ root, includeStopped: true });
  assert.equal(full.containers.length, 6);
  const refs = ['web', '/web', 'ab12', 'ab', 'ab3', 'cd5', API, 'api', 'old', 'ef', 'lonely', UNNAMED.slice(0, 12), 'nosuch', 'a'];
  for (const ref of refs) {
    const selected = scanHost({ root, includeStopped: true, select: refSelection([ref]) });
    assert.equal(resolved(selected, ref), resolved(full, ref), ref);
  }
  // what each resolves to, so the comparison above compares answers, not two failures
  assert.equal(resolved(full, 'ab12'), NAMED_LIKE_WEB);
  assert.equal(resolved(full, 'web'), WEB);
  assert.match(resolved(full, 'ab'), /^AmbiguousError: "ab" matches 3 containers/);

  const web = scanHost({ root, includeStopped: true, select: refSelection(['web']) });
  assert.equal(web.partial, true);
  assert.deepEqual(
    web.containers.map((c) => c.name).sort(),
    ['lonely', 'old', 'web', UNNAMED.slice(0, 12)].sort(),
    'the unnamed one is built to learn its name; the sandbox and the stopped one are always there',
  );
  for (const pid of [3100, 3101, 3299, 3300]) assert.equal(web.processes.has(pid), false, `process ${pid} of an unselected container read`);
  const api = scanHost({ root, includeStopped: true, select: refSelection(['api']) });
  assert.deepEqual(
    api.containers.map((c) => c.name).sort(),
    ['api', 'lonely', 'old', UNNAMED.slice(0, 12)].sort(),
    'named from the state its shim points to: the docker ones with other names are left unbuilt',
  );
  // several references: the union
  const two = scanHost({ root, includeStopped: true, select: refSelection(['api', 'ab34']) });
  assert.deepEqual([resolved(two, 'api'), resolved(two, 'ab34')], [API, NAMED_LIKE_WEB]);
});
