import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columnsFor, cpuTime, elapsedTime, processTable, startTime, ttyName } from '../../../src/report/process-columns.js';
import type { HostSnapshot, ProcessInfo } from '../../../src/snapshot/model.js';

const proc = (over: Partial<ProcessInfo>): ProcessInfo => ({
  hostPid: 4242,
  containerPid: 1,
  nsPids: [4242, 1],
  ppid: 4200,
  threads: 1,
  state: 'S',
  comm: 'sh',
  command: 'sh -c x',
  uid: 0,
  user: 'root',
  startTicks: 1000,
  cpuTicks: 250,
  rssBytes: 4096 * 300,
  cgroups: [],
  ttyNr: 0,
  vsizeBytes: 2 << 20,
  ...over,
});

const snapshot = (procs: ProcessInfo[]): HostSnapshot =>
  ({
    takenAt: (1_000_000 + 10 + 100) * 1000, // 100 s after the process started
    monotonic: 0,
    host: { bootTimeSeconds: 1_000_000, clockTicks: 100, memoryBytes: 1 << 30 } as HostSnapshot['host'],
    containers: [],
    processes: new Map(procs.map((p) => [p.hostPid, p])),
    hostProcessCount: 0,
    scanDurationSeconds: 0,
    notes: [],
  }) as HostSnapshot;

test('time formats follow ps', () => {
  assert.equal(cpuTime(0), '00:00:00');
  assert.equal(cpuTime(3725), '01:02:05');
  assert.equal(cpuTime(90000), '1-01:00:00');
  assert.equal(elapsedTime(65), '01:05');
  assert.equal(elapsedTime(3725), '01:02:05');
  assert.equal(elapsedTime(90061), '1-01:01:01');
  const now = new Date(2026, 11, 2, 12, 0).getTime() / 1000;
  assert.equal(startTime(new Date(2026, 11, 2, 9, 5).getTime() / 1000, now), '09:05');
  assert.equal(startTime(new Date(2026, 2, 7, 9, 5).getTime() / 1000, now), 'Mar07');
  assert.equal(startTime(new Date(2024, 2, 7).getTime() / 1000, now), '2024');
});

test('tty names from stat tty_nr', () => {
  assert.equal(ttyName(0), '?');
  assert.equal(ttyName(34816), 'pts/0'); // major 136 minor 0
  assert.equal(ttyName((136 << 8) | 5), 'pts/5');
  assert.equal(ttyName((137 << 8) | 1), 'pts/257');
  assert.equal(ttyName((4 << 8) | 1), 'tty1');
  assert.equal(ttyName((4 << 8) | 64), 'ttyS0');
});

test('docker top default: ps -ef with the container PID beside the host PID', () => {
  const s = snapshot([proc({})]);
  const t = processTable([4242, 9999], s, columnsFor([]));
  assert.deepEqual(t.Titles, ['UID', 'HOST PID', 'CONTAINER PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
  assert.equal(t.Processes.length, 1, 'a PID that vanished is left out');
  const [row] = t.Processes;
  assert.deepEqual(
    [row[0], row[1], row[2], row[3], row[4], row[6], row[7], row[8]],
    ['root', '4242', '1', '4200', '2', '?', '00:00:02', 'sh -c x'],
  );
  assert.deepEqual(
    columnsFor(['-ef']).map((c) => c.header),
    t.Titles,
  );
});

test('ps -o lists, renames, aux; unknown columns and options are usage errors', () => {
  const s = snapshot([proc({ ttyNr: 34817 })]);
  const t = processTable([4242], s, columnsFor(['-o', 'pid,tty,rss,vsz,comm=NAME,etime']));
  assert.deepEqual(t.Titles, ['HOST PID', 'CONTAINER PID', 'TTY', 'RSS', 'VSZ', 'NAME', 'ELAPSED']);
  assert.deepEqual(t.Processes[0], ['4242', '1', 'pts/1', '1200', '2048', 'sh', '01:40']);
  assert.deepEqual(
    columnsFor(['-eopid,user']).map((c) => c.header),
    ['HOST PID', 'CONTAINER PID', 'USER'],
  );
  assert.equal(
    columnsFor(['aux'])
      .map((c) => c.header)
      .join(' '),
    'USER HOST PID CONTAINER PID %CPU %MEM VSZ RSS TTY STAT STIME TIME CMD',
  );
  assert.throws(() => columnsFor(['-o', 'pid,bogus']), /unknown ps column "bogus"/);
  assert.throws(() => columnsFor(['--sort']), /unsupported ps option/);
  assert.throws(() => columnsFor(['-o']), /needs a column list/);
});
