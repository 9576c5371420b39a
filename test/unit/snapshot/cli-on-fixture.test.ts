// The whole CLI (`tctop ps/inspect --root <fixture>`) on a fixture host: a v2 Docker container (systemd driver)
// with a hostile process in it, and a v2 CRI-O pod. Checks the JSON contract end to end and that nothing raw from
// the host reaches the terminal.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { FixtureHost, fixtureDir } from '../../helpers/fixture-host.js';

const TCTOP = new URL('../../../../bin/tctop', import.meta.url).pathname;
const ID = '0d1e2f3a4b5c6d7e8f901a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f';
const SCOPE = `/system.slice/docker-${ID}.scope`;
const CT_NS = { pid: 4026533901, mnt: 4026533900, net: 4026533903, uts: 4026533902, ipc: 4026533904, cgroup: 4026533905 };

function host(t: { after(fn: () => void): void }): string {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.dockerShim(2000, ID);
  h.process({ pid: 2010, ppid: 2000, comm: 'nginx', args: ['nginx: master process'], cgroup: SCOPE, ns: CT_NS, nspid: [2010, 1] });
  h.process({
    pid: 2020,
    ppid: 2010,
    comm: Buffer.from('\x1b]0;pwn\x07'),
    cmdline: Buffer.concat([Buffer.from('\x1b]2;owned\x07\0'), Buffer.from([0xff]), Buffer.from('\0')]),
    cgroup: SCOPE,
    ns: CT_NS,
    nspid: [2020, 9],
  });
  h.cgroupFiles(SCOPE, fixtureDir('v2-docker-systemd/web'));
  h.json(`/var/lib/docker/containers/${ID}/config.v2.json`, {
    ID,
    Name: '/web\u202e',
    Config: { Image: 'nginx:1.25', Labels: {} },
    State: { Running: true, Pid: 2010, StartedAt: '2023-11-14T22:20:00Z' },
  });
  return h.build();
}

function tctop(...args: string[]) {
  const r = spawnSync(process.execPath, [TCTOP, ...args], { encoding: 'utf8', env: { ...process.env, TERM: 'dumb' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('tctop ps --json --root <fixture>: the contract keys, figures from the fixture', (t) => {
  const r = tctop('ps', '--json', '--root', host(t));
  assert.equal(r.code, 0, r.err);
  const rows = JSON.parse(r.out) as Array<Record<string, unknown>>;
  assert.equal(rows.length, 1);
  assert.deepEqual(
    [rows[0].id, rows[0].name, rows[0].runtime, rows[0].image, rows[0].state],
    [ID, 'web\u202e', 'docker', 'nginx:1.25', 'running'],
  );
  assert.deepEqual(rows[0].init, { hostPid: 2010, containerPid: 1 });
  assert.deepEqual((rows[0].shim as { pid: number }).pid, 2000);
  assert.equal(rows[0].memoryBytes, 19558400);
  assert.equal(rows[0].memoryLimitBytes, 268435456);
});

test('tctop inspect --pid <hostPid> --json --root <fixture>: processes, namespaces and cgroup of the holder', (t) => {
  const r = tctop('inspect', '--pid', '2020', '--json', '--root', host(t));
  assert.equal(r.code, 0, r.err);
  const [c] = JSON.parse(r.out) as Array<Record<string, any>>;
  assert.equal(c.id, ID);
  assert.deepEqual(
    c.processes.map((p: Record<string, unknown>) => [p.hostPid, p.containerPid, p.ppid]),
    [
      [2010, 1, 2000],
      [2020, 9, 2010],
    ],
  );
  assert.equal(c.cgroup.version, 2);
  assert.equal(c.cgroup.memory.workingSetBytes, 9760768);
  assert.equal(c.cgroup.pressure.io.someTotalMicros, 412365);
  assert.equal(c.namespaces.length, 8);
});

test('tctop ps / inspect (human) --root <fixture>: escapes, bidi overrides and invalid bytes are shown, never sent raw', (t) => {
  const root = host(t);
  for (const args of [
    ['ps', '--no-trunc'],
    ['inspect', ID],
  ]) {
    const r = tctop(...args, '--root', root);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/, `${args[0]} prints nothing raw`);
  }
  const inspect = tctop('inspect', ID, '--root', root).out;
  assert.match(inspect, /\\e\]2;owned\\x07/);
  assert.match(inspect, /\\xff/);
});
