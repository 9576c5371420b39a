import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEventFilters, parseEventTime } from '../../../src/report/event-filters.js';
import { EventStream } from '../../../src/report/event-stream.js';
import { diffEvents, dockerEventJson, dockerEventText, replayEvents, type ContainerEvent } from '../../../src/report/events.js';
import type { Container, HostSnapshot, ProcessInfo } from '../../../src/snapshot/model.js';

const ctr = (over: Partial<Container>): Container => ({
  id: 'a'.repeat(64),
  name: 'web',
  runtime: 'docker',
  image: 'bb:1',
  state: 'running',
  labels: { app: 'x' },
  shim: { pid: 10, command: 'shim' },
  init: { hostPid: 100, containerPid: 1 },
  pids: [100],
  namespaces: [],
  cgroup: null,
  network: null,
  startedAt: 1000,
  createdAt: 990,
  extra: {},
  ...over,
});
const stopped = (over: Partial<Container>) => ctr({ state: 'exited', init: null, pids: [], shim: null, ...over });
const proc = (pid: number, ppid: number, command: string): ProcessInfo =>
  ({
    hostPid: pid,
    containerPid: pid,
    nsPids: [pid],
    ppid,
    threads: 1,
    state: 'S',
    comm: command,
    command,
    uid: 0,
    user: 'root',
    startTicks: pid,
    cpuTicks: 0,
    rssBytes: 0,
    cgroups: [],
  }) as ProcessInfo;
const snap = (at: number, containers: Container[], procs: ProcessInfo[] = []): HostSnapshot =>
  ({
    takenAt: at * 1000,
    monotonic: at,
    host: {} as HostSnapshot['host'],
    containers,
    processes: new Map(procs.map((p) => [p.hostPid, p])),
    hostProcessCount: 0,
    scanDurationSeconds: 0,
    notes: [],
  }) as HostSnapshot;
const actions = (es: ContainerEvent[]) => es.map((e) => (e.detail ? `${e.action}: ${e.detail}` : e.action));

test('diff: create+start, exec (parent outside), pause, unpause, oom by counter, die with code, destroy', () => {
  const a = snap(1, []);
  const b = snap(2, [ctr({})], [proc(100, 10, 'sh')]);
  assert.deepEqual(actions(diffEvents(a, b)), ['create', 'start']);
  const c = snap(3, [ctr({ pids: [100, 101, 102] })], [proc(100, 10, 'sh'), proc(101, 10, 'sleep 5'), proc(102, 100, 'child')]);
  assert.deepEqual(actions(diffEvents(b, c)), ['exec_start: sleep 5'], 'a child of the init is no exec');
  const d = snap(4, [ctr({ state: 'paused' })]);
  assert.deepEqual(actions(diffEvents(b, d)), ['pause']);
  assert.deepEqual(actions(diffEvents(d, b)), ['unpause']);
  const mem = (oomKills: number) => ({ version: 2 as const, path: '/x', memory: { usageBytes: 0, workingSetBytes: 0, oomKills } });
  assert.deepEqual(actions(diffEvents(snap(5, [ctr({ cgroup: mem(0) })]), snap(6, [ctr({ cgroup: mem(1) })]))), ['oom']);
  const died = diffEvents(b, snap(7, [stopped({ extra: { exitCode: 3 } })]));
  assert.deepEqual(actions(died), ['die']);
  assert.equal(died[0].attributes.exitCode, '3');
  assert.deepEqual(actions(diffEvents(b, snap(7, [stopped({ extra: { exitCode: 137, oomKilled: true } })]))), ['oom', 'die']);
  assert.deepEqual(actions(diffEvents(b, snap(8, []))), ['die', 'destroy']);
  assert.deepEqual(
    actions(diffEvents(b, snap(8, [ctr({ init: { hostPid: 200, containerPid: 1 }, pids: [200] })]))),
    ['die', 'start'],
    'restarted between two looks',
  );
});

test('stream: a container missing from one scan is not destroyed; its die waits for the exit code', () => {
  const s = new EventStream();
  assert.deepEqual(s.next(snap(1, [ctr({})])), [], 'the first snapshot is the baseline');
  assert.deepEqual(actions(s.next(snap(1.2, []))), [], 'gone from one scan: not yet an event');
  const later = s.next(snap(1.4, [stopped({ extra: { exitCode: 3 } })]));
  assert.deepEqual(actions(later), ['die']);
  assert.equal(later[0].attributes.exitCode, '3');
  assert.deepEqual(actions(s.next(snap(1.6, [stopped({ extra: { exitCode: 3 } })]))), []);
  assert.deepEqual(actions(s.next(snap(1.8, []))), []);
  assert.deepEqual(actions(s.next(snap(2.5, []))), ['destroy'], 'still gone past the grace period');
  const t = new EventStream();
  t.next(snap(1, [ctr({})]));
  assert.deepEqual(actions(t.next(snap(1.2, [stopped({})]))), [], 'no exit code yet: held');
  const coded = t.next(snap(1.4, [stopped({ extra: { exitCode: 0 } })]));
  assert.equal(coded[0].attributes.exitCode, '0');
  const u = new EventStream();
  u.next(snap(1, [ctr({})]));
  u.next(snap(1.2, [stopped({})]));
  assert.deepEqual(actions(u.next(snap(2, [stopped({})]))), ['die'], 'a code never written: die goes out without it');
});

test('replay: create, last start, oom and die as the runtime recorded them, within since..until', () => {
  const s = snap(5000, [
    stopped({ createdAt: 990, startedAt: 1000, extra: { exitCode: 137, oomKilled: true, finishedAt: '1970-01-01T00:16:50Z' } }),
    ctr({ id: 'b'.repeat(64), createdAt: 2000, startedAt: 2001 }),
  ]);
  assert.deepEqual(
    replayEvents(s, 0, 1e9).map((e) => `${e.time} ${e.action}`),
    ['990 create', '1000 start', '1010 oom', '1010 die', '2000 create', '2001 start'],
  );
  assert.deepEqual(
    replayEvents(s, 1005, 2000).map((e) => e.action),
    ['oom', 'die', 'create'],
  );
  const early = snap(5000, [stopped({ createdAt: 990, startedAt: 1000.5, extra: { exitCode: 5, finishedAt: '1970-01-01T00:16:40.2Z' } })]);
  assert.deepEqual(
    replayEvents(early, 0, 1e9).map((e) => `${e.time} ${e.action}`),
    ['990 create', '1000.5 start', '1000.5 die'],
    'an end recorded before its start (docker stamps StartedAt late) replays after the start',
  );
});

test('docker layouts: JSON keys and nanosecond time; the text line', () => {
  const [e] = diffEvents(snap(1, [ctr({})]), snap(1796190970.123, [stopped({ extra: { exitCode: 3 } })]));
  const line = dockerEventJson(e);
  assert.match(line, /"timeNano":1796190970123000000,"runtime":"docker"\}$/, 'every digit of the nanoseconds');
  const j = JSON.parse(line);
  assert.deepEqual(Object.keys(j), ['status', 'id', 'from', 'Type', 'Action', 'Actor', 'scope', 'time', 'timeNano', 'runtime']);
  assert.deepEqual(j.Actor.Attributes, { app: 'x', exitCode: '3', image: 'bb:1', name: 'web' });
  assert.equal(
    dockerEventText(e),
    `2026-12-02T05:56:10.123000000Z container die ${'a'.repeat(64)} (app=x, exitCode=3, image=bb:1, name=web, runtime=docker)`,
  );
});

test('filters and times as docker reads them', () => {
  const [e] = diffEvents(snap(1, [ctr({})]), snap(2, [stopped({ extra: { exitCode: 3 } })]));
  assert.equal(parseEventFilters(['event=die'])(e), true);
  assert.equal(parseEventFilters(['event=died'])(e), true, "the words 'died', 'started' are docker's actions too");
  assert.equal(parseEventFilters(['event=start', 'event=die'])(e), true, 'one key twice: either');
  assert.equal(parseEventFilters(['event=die', 'runtime=podman'])(e), false, 'two keys: both');
  assert.equal(parseEventFilters(['container=web', 'image=bb', 'label=app=x', 'label=app', 'type=container'])(e), true);
  assert.equal(parseEventFilters(['container=aaaa'])(e), true, 'an ID prefix');
  assert.throws(() => parseEventFilters(['event=boom']), /unknown event "boom"/);
  assert.throws(() => parseEventFilters(['nope']), /expected key=value/);
  assert.equal(parseEventTime('1700000000.5', 0), 1700000000.5);
  assert.equal(parseEventTime('10m', 1000), 400);
  assert.equal(parseEventTime('1h30m', 10000), 10000 - 5400);
  assert.equal(parseEventTime('2026-12-02T05:00:00Z', 0), Date.parse('2026-12-02T05:00:00Z') / 1000);
  assert.equal(parseEventTime('2026-12-02T05:00:00', 0), Date.parse('2026-12-02T05:00:00Z') / 1000, 'no zone: UTC');
  assert.throws(() => parseEventTime('yesterday', 0), /bad time/);
});

test('diff: an exec seen mid-setup (runc init) is reported once it runs its command, under that command', () => {
  const before = snap(1, [ctr({})], [proc(100, 10, 'sh')]);
  const setup = { ...proc(101, 10, 'runc init'), comm: 'runc:[2:INIT]' };
  const mid = snap(2, [ctr({ pids: [100, 101] })], [proc(100, 10, 'sh'), setup]);
  assert.deepEqual(actions(diffEvents(before, mid)), [], 'still runc: no event yet');
  const unrenamed = snap(2, [ctr({ pids: [100, 101] })], [proc(100, 10, 'sh'), { ...proc(101, 10, '/usr/bin/runc init'), comm: 'runc' }]);
  assert.deepEqual(actions(diffEvents(before, unrenamed)), [], 'runc init before nsexec renames it: no event yet');
  assert.deepEqual(actions(diffEvents(unrenamed, snap(3, [ctr({ pids: [100, 101] })], [proc(100, 10, 'sh'), proc(101, 10, 'sleep 30')]))), [
    'exec_start: sleep 30',
  ]);
  const running = snap(3, [ctr({ pids: [100, 101] })], [proc(100, 10, 'sh'), proc(101, 10, 'sleep 30')]);
  assert.deepEqual(actions(diffEvents(mid, running)), ['exec_start: sleep 30']);
  assert.deepEqual(actions(diffEvents(running, running)), [], 'once');
  const staged = snap(
    2,
    [ctr({ pids: [100, 101, 102] })],
    [proc(100, 10, 'sh'), { ...proc(101, 10, 'runc init'), comm: 'runc:[1:CHILD]' }, proc(102, 101, 'sleep 30')],
  );
  assert.deepEqual(actions(diffEvents(before, staged)), ['exec_start: sleep 30'], 'seen while its parent is still a runc stage');
  const joined = snap(4, [ctr({ pids: [100] })], [proc(100, 10, 'sh'), proc(102, 10, 'nsenter')]);
  const inside = snap(5, [ctr({ pids: [100, 102] })], [proc(100, 10, 'sh'), proc(102, 10, 'nsenter')]);
  assert.deepEqual(actions(diffEvents(joined, inside)), ['exec_start: nsenter'], 'a host process that joins the container is an exec too');
});

test('diff: a container that started and ended between two looks: create, start, oom, die from its record', () => {
  const gone = stopped({ extra: { exitCode: 137, oomKilled: true, finishedAt: new Date(1_500_000 * 1000).toISOString() } });
  assert.deepEqual(actions(diffEvents(snap(1_500_000 - 0.2, []), snap(1_500_000 + 0.1, [gone]))), ['create', 'start', 'oom', 'die']);
  const old = stopped({ extra: { exitCode: 0, finishedAt: new Date(1000 * 1000).toISOString() } });
  assert.deepEqual(
    actions(diffEvents(snap(1_500_000, []), snap(1_500_001, [old]))),
    ['create'],
    'an exit long before the stream: only seen now',
  );
});

test('diff: created when first seen, then ended before the next look: start, oom, die', () => {
  const created = stopped({ state: 'created', extra: {} });
  const ended = stopped({ extra: { exitCode: 137, oomKilled: true, finishedAt: '2026-12-02T07:00:00Z' } });
  assert.deepEqual(actions(diffEvents(snap(1, [created]), snap(2, [ended]))), ['start', 'oom', 'die']);
  assert.deepEqual(actions(diffEvents(snap(2, [ended]), snap(3, [ended]))), [], 'the same exit seen again: nothing');
});
