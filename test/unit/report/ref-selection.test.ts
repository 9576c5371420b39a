// inspect's selection (report/ref-selection.ts): a scan that builds only the container cgroups the references may
// name resolves every reference exactly as the scan of everything does (docker's order: full ID, exact name,
// unique prefix; ambiguity and absence alike), and leaves the other containers' processes unread.
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { NAME_LINKS_DIR } from '../../../src/engine-contract/state-dir.js';
import { answeredBeforeNamespacePass, resolveContainer } from '../../../src/report/resolve.js';
import { refSelection } from '../../../src/report/ref-selection.js';
import type { HostSnapshot } from '../../../src/snapshot/model.js';
import { scanHost, scanHostAside } from '../../../src/snapshot/scanner.js';
import { FixtureHost } from '../../helpers/fixture-host.js';

const WEB = `ab12${'0'.repeat(60)}`;
const NAMED_LIKE_WEB = `ab34${'1'.repeat(60)}`; // named "ab12": a name wins over WEB's prefix
const API = `cd56${'2'.repeat(60)}`;
const OLD = `ef78${'3'.repeat(60)}`; // stopped
const UNNAMED = `ab99${'4'.repeat(60)}`; // no config.v2.json: its name is its short ID, known once built
const ns = (base: number) => ({ pid: base + 1, mnt: base, net: base + 3 });

/** A docker container's init (`sh`, PID 1 inside) in its systemd scope. */
function dockerInit(h: FixtureHost, pid: number, id: string, namespaces: ReturnType<typeof ns>): void {
  h.process({ pid, ppid: 1, comm: 'sh', args: ['sh'], cgroup: `/system.slice/docker-${id}.scope`, ns: namespaces, nspid: [pid, 1] });
}

/** tctop's own container of an engine root of its own (/srv/engine): its shim's --state says where its name is. */
function tctopOwn(h: FixtureHost, shimPid: number, id: string, name: string, namespaces: ReturnType<typeof ns>): void {
  h.process({
    pid: shimPid,
    ppid: 1,
    comm: 'tctop-shim',
    args: ['/opt/tctop/native/build/tctop-shim', '--id', id, '--state', `/srv/engine/containers/${id}`],
    cgroup: '/system.slice/tctop.service',
  });
  h.process({ pid: shimPid + 1, ppid: shimPid, comm: 'sh', args: ['sh'], cgroup: `/tctop/${id}`, ns: namespaces, nspid: [shimPid + 1, 1] });
  h.json(`/srv/engine/containers/${id}/state.json`, { id, name, image: 'busybox', status: 'running' });
}

function host(t: { after(fn: () => void): void }): string {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  const docker = (pid: number, id: string, name: string | null) => {
    dockerInit(h, pid, id, ns(4026540000 + pid * 10));
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
  tctopOwn(h, 3299, API, 'api', ns(4026541000));
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

test("a state file is parsed only when its text may hold a reference's name; what it says then decides, as in the full scan", (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  const ESCAPED = `ab56${'5'.repeat(60)}`; // named "api2", written with an escape
  const MENTIONS = `cd78${'6'.repeat(60)}`; // named "cache"; a label holds "web"
  const BROKEN = `ef90${'7'.repeat(60)}`; // a config.v2.json cut short: named by its short ID
  const PLAIN = `9abc${'8'.repeat(60)}`; // named "web"
  const ASTRAL = `77aa${'9'.repeat(60)}`; // named "😀", written as two escaped halves
  [ESCAPED, MENTIONS, BROKEN, PLAIN, ASTRAL].forEach((id, i) => {
    const pid = 4000 + i * 10;
    dockerInit(h, pid, id, ns(4026550000 + pid * 10));
  });
  const dir = (id: string) => `/var/lib/docker/containers/${id}/config.v2.json`;
  h.file(dir(ESCAPED), `{"ID":"${ESCAPED}","Name":"/\\u0061pi2","Config":{"Image":"busybox"},"State":{"Running":true}}`);
  h.json(dir(MENTIONS), { ID: MENTIONS, Name: '/cache', Config: { Image: 'busybox', Labels: { role: 'web' } }, State: { Running: true } });
  h.file(dir(BROKEN), '{"Config":{"Cmd":"sleep 1 \\u0026 sleep 2","Ima'); // Go writes "&" so: no name asked about holds one
  h.json(dir(PLAIN), { ID: PLAIN, Name: '/web', Config: { Image: 'busybox' }, State: { Running: true } });
  h.file(dir(ASTRAL), '{"Name":"/\\ud83d\\ude00","Config":{"Cmd":"a \\u0026 b"},"State":{"Running":true}}');
  const root = h.build();
  const full = scanHost({ root, includeStopped: true });
  const short = BROKEN.slice(0, 12);
  for (const ref of ['api2', '/api2', 'web', 'cache', short, `/${short}`, 'ab5', '😀', 'w.b', 'we(b', 'nosuch']) {
    const selected = scanHost({ root, includeStopped: true, select: refSelection([ref]) });
    assert.equal(resolved(selected, ref), resolved(full, ref), ref);
  }
  assert.equal(resolved(full, 'api2'), ESCAPED, 'the escaped name is parsed, not skipped');
  assert.equal(resolved(full, `/${short}`), BROKEN, "a '/'-led short ID names the container its state cannot name");
  assert.equal(resolved(full, 'web'), PLAIN);
  assert.equal(resolved(full, '😀'), ASTRAL);

  const built = (ref: string) => scanHost({ root, includeStopped: true, select: refSelection([ref]) });
  const web = built('web');
  assert.deepEqual(
    web.containers.map((c) => c.id),
    [PLAIN],
    'the one whose label holds "web" is parsed and found named otherwise; the others cannot hold the name',
  );
  assert.deepEqual(
    built('api2').containers.map((c) => c.id),
    [ESCAPED],
    'a text with escapes is parsed: its name is not there verbatim',
  );
  const noteOf = (s: HostSnapshot) => s.notes.some((n) => n.path.endsWith(`${BROKEN}/config.v2.json`));
  assert.ok(noteOf(full), 'the full scan parses the broken file and notes it');
  assert.ok(!noteOf(web), 'the selection never parsed it: its text cannot hold "web"');
});

test('the selection answers as the full scan does: a sandbox named like a prefix, a name two runtimes share', (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  const DOCKER = `5a5a${'a'.repeat(60)}`; // docker's "shared"
  const TCTOP = `6b6b${'b'.repeat(60)}`; // tctop's "shared" too, in an engine root of its own
  const PREFIXED = `7c7c${'c'.repeat(60)}`; // docker's "plain"; a sandbox's comm is its 12-digit prefix
  dockerInit(h, 5000, DOCKER, ns(4026560000));
  h.json(`/var/lib/docker/containers/${DOCKER}/config.v2.json`, { ID: DOCKER, Name: '/shared', State: { Running: true, Pid: 5000 } });
  dockerInit(h, 5100, PREFIXED, ns(4026561000));
  h.json(`/var/lib/docker/containers/${PREFIXED}/config.v2.json`, { ID: PREFIXED, Name: '/plain', State: { Running: true, Pid: 5100 } });
  tctopOwn(h, 5199, TCTOP, 'shared', ns(4026562000));
  const prefix = PREFIXED.slice(0, 12);
  h.process({ pid: 5300, ppid: 1, comm: prefix, args: ['x'], cgroup: '/user.slice', ns: ns(4026563000), nspid: [5300, 1] });
  const root = h.build();
  const full = scanHost({ root, includeStopped: true });
  for (const refs of [['shared'], [prefix], [prefix, 'plain'], ['shared', PREFIXED.slice(0, 4)], ['7c7c']]) {
    const selected = scanHost({ root, includeStopped: true, select: refSelection(refs) });
    for (const ref of refs) assert.equal(resolved(selected, ref), resolved(full, ref), `${ref} among ${refs.join(' ')}`);
  }
  // the answers compared above
  const shared = resolved(full, 'shared');
  assert.match(shared, /^AmbiguousError: "shared" matches 2 containers: /);
  for (const id of [DOCKER, TCTOP]) assert.ok(shared.includes(id.slice(0, 12)), `every candidate is listed: ${shared}`);
  const sandbox = full.containers.find((c) => c.runtime === 'sandbox');
  assert.equal(sandbox?.name, prefix);
  assert.equal(resolved(full, prefix), PREFIXED, "a sandbox's name (its comm) never takes a docker container's ID prefix");
  assert.equal(resolved(full, sandbox.id), sandbox.id);
  assert.equal(resolved(full, 'plain'), PREFIXED);
});

test("inspect's own scan (aside, answered before the namespace pass when it can) answers as the full scan does", async (t) => {
  const root = host(t);
  const full = scanHost({ root, includeStopped: true });
  const inspectScan = (refs: string[]) =>
    scanHostAside({ root, includeStopped: true, select: refSelection(refs) }, undefined, (found) =>
      answeredBeforeNamespacePass(found, refs),
    );
  for (const refs of [['web'], ['api', 'ab12'], ['lonely'], ['web', 'lonely'], ['nosuch'], ['ab'], [UNNAMED.slice(0, 12)]]) {
    const snap = await inspectScan(refs);
    for (const ref of refs) assert.equal(resolved(snap, ref), resolved(full, ref), `${ref} among ${refs.join(' ')}`);
    // the namespace pass, when it runs, leaves out the processes of the containers left unbuilt (their members
    // were not read by the walk): none of them becomes a sandbox
    assert.deepEqual(
      snap.containers.filter((c) => c.runtime === 'sandbox').map((c) => c.name),
      refs.includes('lonely') || refs.includes('nosuch') ? ['lonely'] : [],
      refs.join(' '),
    );
  }
  assert.equal(resolved(full, 'lonely').startsWith('ns-'), true);
});

test("the engine's name entries name every container cgroup in one readdir, whichever root holds its state", (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  const LINKED = `1d1d${'d'.repeat(60)}`;
  dockerInit(h, 5000, WEB, ns(4026570000));
  h.json(`/var/lib/docker/containers/${WEB}/config.v2.json`, { ID: WEB, Name: '/web', State: { Running: true, Pid: 5000 } });
  // a shim that says nothing of its state dir, and no state in the default root: only the link can name it
  h.process({ pid: 5100, ppid: 1, comm: 'tctop-shim', args: ['tctop-shim'], cgroup: '/system.slice/tctop.service' });
  h.process({ pid: 5101, ppid: 5100, comm: 'sh', args: ['sh'], cgroup: `/tctop/${LINKED}`, ns: ns(4026571000), nspid: [5101, 1] });
  const root = h.build();
  const built = (refs: string[]) =>
    scanHost({ root, select: refSelection(refs) })
      .containers.map((c) => c.id)
      .sort();
  assert.deepEqual(built(['web']), [WEB, LINKED].sort(), 'no link: its name unknown, so it is built to learn it');
  const links = join(root, NAME_LINKS_DIR);
  mkdirSync(links, { recursive: true });
  symlinkSync('web', join(links, LINKED)); // the old form, `<id>` alone: not an entry, so still unknown
  symlinkSync('web', join(links, `.${LINKED}.123`)); // a rename's temporary
  assert.deepEqual(built(['web']), [WEB, LINKED].sort(), 'no entry of the form <id>.<name>: still built to learn it');
  symlinkSync('db', join(links, `${LINKED}.db`));
  assert.deepEqual(built(['web']), [WEB], 'named "db": none of the references');
  assert.deepEqual(built(['db']), [LINKED]);
  symlinkSync('web', join(links, `${LINKED}.web`));
  // two entries for one ID: neither is believed, so it is built to learn its name, for either reference
  assert.deepEqual(built(['db']), [LINKED]);
  assert.deepEqual(built(['web']), [WEB, LINKED].sort());
});
