// diffEvents over a long-running scanner's snapshots (its process cache between scans), on a fixture host whose
// processes change the way the kernel shows them: an exec caught while runc is still setting it up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffEvents } from '../../../src/report/events.js';
import { HostScanner } from '../../../src/snapshot/scanner.js';
import { FixtureHost } from '../../helpers/fixture-host.js';

const ID = '3c1f5a4e9b2d7c80e6f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7';
const NS = { pid: 4026534001, mnt: 4026534000, net: 4026534003 };
const scope = `/system.slice/docker-${ID}.scope`;

test("events: an exec first seen as runc's setup stage is reported once it runs its command (same PID, same start)", (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.dockerShim(2000, ID);
  h.process({ pid: 2010, ppid: 2000, comm: 'sh', args: ['sh', '-c', 'read l < /tmp/f'], cgroup: scope, ns: NS, nspid: [2010, 1] });
  h.json(`/var/lib/docker/containers/${ID}/config.v2.json`, {
    ID,
    Name: '/web',
    Config: { Image: 'busybox', Labels: {} },
    State: { Running: true, Pid: 2010, StartedAt: '2023-11-14T22:20:00Z' },
  });
  h.build();
  const scanner = new HostScanner({ root: h.root, fullPassIntervalMs: 1e9, claimTtlMs: 1e9, specTtlMs: 0 });
  t.after(() => scanner.close?.());
  const base = scanner.scan();
  // `docker exec` caught mid-setup: runc's stage 2, already in the container's cgroup and PID namespace
  h.process({ pid: 2100, ppid: 2000, comm: 'runc:[2:INIT]', args: ['runc', 'init'], cgroup: scope, ns: NS, nspid: [2100, 7] });
  h.build();
  const setup = scanner.scan();
  assert.deepEqual(diffEvents(base, setup), [], 'not yet an exec: runc is still setting it up');
  h.execve(2100, 'sleep', ['sleep', '30']);
  h.build();
  const ran = scanner.scan();
  assert.equal(ran.processes.get(2100)?.command, 'sleep 30', "the scanner's cached process follows the execve");
  assert.deepEqual(
    diffEvents(setup, ran).map((e) => [e.action, e.detail, e.attributes.execID]),
    [['exec_start', 'sleep 30', '2100']],
  );
  assert.deepEqual(diffEvents(ran, scanner.scan()), [], 'reported once');
});
