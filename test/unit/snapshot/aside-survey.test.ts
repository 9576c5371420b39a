// The full pass made between a long-running scanner's scans (src/snapshot/aside-survey.ts): when a survey is
// started, which scan may take it, and the whole scanner with the real helper on a fixture host (and without it).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HostSurvey } from '../../../src/host/procfs/host-survey.js';
import { pidnsHelperPath } from '../../../src/host/procfs/pidns-aside.js';
import { AsideSurveys, MIN_LEAD_MS, surveyStartDelay, type SurveyTiming } from '../../../src/snapshot/aside-survey.js';
import type { HostSnapshot } from '../../../src/snapshot/model.js';
import { HostScanner, type ScanOptions } from '../../../src/snapshot/scanner.js';
import { FixtureHost } from '../../helpers/fixture-host.js';
import { missing } from '../../helpers/prereq.js';

test('a survey is started for a next scan expected to be due a full pass: halfway to it when scans are close, else a lead before', () => {
  const at: SurveyTiming = { scanAt: 9_000, previousScanAt: 8_000, now: 9_050, dueAt: 10_000, surveyMs: 40 };
  assert.equal(surveyStartDelay(at), 475, 'the dashboard: a scan a second, the next one due');
  assert.equal(surveyStartDelay({ ...at, now: 10_100 }), 0, 'the next scan is late already');
  assert.equal(surveyStartDelay({ ...at, dueAt: 11_000 }), 475, 'the one after is due: the next may come late');
  assert.equal(surveyStartDelay({ ...at, dueAt: 11_001 }), undefined, 'neither the next scan nor the one after is due');
  assert.equal(surveyStartDelay({ ...at, previousScanAt: undefined }), undefined, 'no scan to tell the pace from');
  const sparse: SurveyTiming = { scanAt: 30_000, previousScanAt: 15_000, now: 30_100, dueAt: 25_000, surveyMs: 40 };
  assert.equal(surveyStartDelay(sparse), 45_000 - MIN_LEAD_MS - 30_100, 'a scrape every 15 s: its survey a lead before the next');
  assert.equal(surveyStartDelay({ ...sparse, surveyMs: 500 }), 45_000 - 2000 - 30_100, 'a slow survey: four times its time ahead');
});

/** A starter whose surveys the test ends by hand. */
function fakeStarter() {
  const started: Array<{ end(s: HostSurvey | null): void; killed: boolean }> = [];
  let absent = false;
  const start = () => {
    let end!: (s: HostSurvey | null) => void;
    const survey = new Promise<HostSurvey | null>((resolve) => (end = resolve));
    const entry = { end, killed: false };
    started.push(entry);
    const kill = () => {
      entry.killed = true;
      end(null);
      return true;
    };
    const child = { kill } as unknown as ChildProcess;
    return { survey, child, missing: Promise.resolve(absent) };
  };
  return { start, started, helperGone: () => (absent = true) };
}

const SURVEY: HostSurvey = { processCount: 7, fresh: new Map(), gone: [] };
const request = () => ({ procDir: '/proc', hostPidns: 1, known: new Uint32Array() });

test("a survey is only the next scan's: in by then it is taken, else dropped and its helper ended", async () => {
  const f = fakeStarter();
  const a = new AsideSurveys(f.start);
  const before = Date.now();
  a.schedule(1, 0, request);
  const inNow = a.whenIn();
  await sleep(5);
  f.started[0].end(SURVEY);
  await inNow;
  const taken = a.take(2);
  assert.equal(taken?.survey, SURVEY);
  assert.ok(taken.at >= before && taken.at <= Date.now(), 'as old as its start');
  assert.equal(a.take(3), undefined, 'taken once');

  a.schedule(3, 0, request);
  await sleep(5);
  assert.equal(a.take(4), undefined, 'not in when the scan came');
  assert.equal(f.started[1].killed, true, 'its helper ended');

  a.schedule(4, 0, request);
  await sleep(5);
  f.started[2].end(SURVEY);
  await a.whenIn();
  assert.equal(a.take(6), undefined, 'a scan came between: the survey is older than what that scan saw');

  a.schedule(6, 60_000, request);
  assert.equal(a.take(7), undefined, 'a scan before the scheduled start cancels it');
  await sleep(5);
  assert.equal(f.started.length, 3, 'never started');

  a.schedule(7, 0, request);
  await sleep(5);
  f.started[3].end(null);
  await a.whenIn();
  assert.equal(a.take(8), undefined, 'a failed survey: the scan makes its pass itself');
  assert.deepEqual(a.counts, { started: 4, taken: 1, dropped: 3 });
  a.close();
});

test('a helper that is not there is not started again; close ends one under way', async () => {
  const f = fakeStarter();
  const a = new AsideSurveys(f.start);
  a.schedule(1, 0, request);
  await sleep(5);
  a.close();
  assert.equal(f.started[0].killed, true);
  f.helperGone();
  a.schedule(2, 0, request);
  await sleep(5);
  f.started[1].end(null);
  await a.whenIn();
  a.take(3);
  a.schedule(3, 0, request);
  a.schedule(4, 0, request);
  await sleep(5);
  assert.equal(f.started.length, 2, 'missing: no more starts');
});

const A = '3c1f5a4e9b2d7c80e6f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7';
const C = 'c'.repeat(64);
const scope = (id: string) => `/system.slice/docker-${id}.scope`;
const timeless = (s: HostSnapshot) => ({ ...s, takenAt: 0, monotonic: 0, scanDurationSeconds: 0 });

/** The directories node:fs lists from now on (the scan's readdirs of /proc and of the cgroup tree). */
function listedDirs(t: TestContext): string[] {
  const listed: string[] = [];
  const readdir = fs.readdirSync;
  t.mock.method(fs, 'readdirSync', (...args: Parameters<typeof fs.readdirSync>) => {
    listed.push(String(args[0]));
    return readdir(...args);
  });
  syncBuiltinESMExports();
  t.after(() => {
    t.mock.restoreAll();
    syncBuiltinESMExports();
  });
  return listed;
}

/**
 * Three scans a second apart of a host that changes after the second in ways only a full pass sees (a host process
 * exits, a sandbox appears under a PID already passed, a process moves into a new container cgroup), the third
 * `thirdAfterMs` after the survey made after the second is in (the full-pass interval is 1.5 s). Compared with a
 * scanner that makes a full pass itself every scan.
 */
async function threeScans(t: TestContext, options: ScanOptions, thirdAfterMs = 0) {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.process({ pid: 2000, ppid: 1, comm: 'nginx', cgroup: scope(A), ns: { pid: 4026534001 }, nspid: [2000, 1] });
  h.process({ pid: 1900, ppid: 1, comm: 'brief' });
  h.process({ pid: 1950, ppid: 1, comm: 'moved', cgroup: '/system.slice/cron.service' });
  h.build();
  const common = { root: h.root, claimTtlMs: 1e9, specTtlMs: 0 };
  const scanner = new HostScanner({ ...common, fullPassIntervalMs: 1500, ...options });
  const everyScanFull = new HostScanner({ ...common, fullPassIntervalMs: 0 });
  t.after(() => {
    scanner.close();
    everyScanFull.close();
  });
  scanner.scan();
  everyScanFull.scan();
  await sleep(1000);
  scanner.scan();
  everyScanFull.scan();
  h.exit(1900).exit(1950);
  h.process({ pid: 1950, ppid: 1, comm: 'moved', cgroup: scope(C), nspid: [1950] });
  h.process({ pid: 1500, ppid: 1, comm: 'sandboxed', ns: { pid: 4026534501 }, nspid: [1500, 1] });
  h.build();
  await scanner.asideSurveyIn();
  await sleep(thirdAfterMs);
  const listed = listedDirs(t);
  const third = scanner.scan();
  const thirdListed = [...listed];
  return { h, scanner, third, thirdListed, expected: everyScanFull.scan() };
}

test('the full pass made aside: the next scan lists neither /proc nor the cgroup tree, and sees what a full pass sees', async (t) => {
  if (missing(t, existsSync(pidnsHelperPath()), `${pidnsHelperPath()} (npm run build)`)) return;
  const { h, scanner, third, thirdListed, expected } = await threeScans(t, { fullPassAside: true });
  assert.deepEqual(scanner.asideCounts, { started: 1, taken: 1, dropped: 0 });
  assert.deepEqual(
    thirdListed.filter((d) => d === h.path('/proc') || d === h.path('/sys/fs/cgroup') || d === h.path('/sys/fs/cgroup/system.slice')),
    [],
  );
  assert.deepEqual(timeless(third), timeless(expected));
  assert.ok(
    third.containers.some((c) => c.id.startsWith(C.slice(0, 12)) || c.id === C),
    'the moved-into container cgroup',
  );
  assert.ok(
    third.containers.some((c) => c.pids.includes(1500)),
    'the sandbox under a PID no probe covers',
  );
  assert.ok(!third.processes.has(1900));
});

test('without the helper the scan makes its full pass itself, and does not start the helper again', async (t) => {
  const options = { fullPassAside: true, pidnsHelper: '/nonexistent/tctop-pidns' };
  const { h, scanner, third, thirdListed, expected } = await threeScans(t, options, 600); // the third is due a full pass
  assert.deepEqual(scanner.asideCounts, { started: 1, taken: 0, dropped: 1 });
  assert.ok(thirdListed.includes(h.path('/proc')), 'the readdir of /proc made here');
  assert.deepEqual(timeless(third), timeless(expected));
  await sleep(1000);
  scanner.scan();
  await scanner.asideSurveyIn();
  assert.equal(scanner.asideCounts?.started, 1);
});
