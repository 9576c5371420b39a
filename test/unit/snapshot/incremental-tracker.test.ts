// The incremental logic on its own (src/snapshot/incremental.ts): when a scan needs a full pass, and what a pass
// between full passes looks at (the new PIDs, and the young ones of the last pass once more). The whole scanner on
// changing hosts is incremental-scan.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LISTING_DEPTH } from '../../../src/discovery/cgroup-walk.js';
import { detectCgroupLayout, discoveryHierarchy } from '../../../src/host/cgroupfs/layout.js';
import { hostPaths } from '../../../src/host/paths.js';
import { HostReader } from '../../../src/host/reader.js';
import { MAX_PROBED_PIDS, needsFullPass, PidTracker, type CadenceInput } from '../../../src/snapshot/incremental.js';
import { directoriesUnder } from '../../helpers/cgroup-listing.js';
import { FixtureHost, HOST_NS } from '../../helpers/fixture-host.js';

const A = '3c1f5a4e9b2d7c80e6f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7';
const B = '7bd5db88ae6e5e52e941a2709ed9c18d7572f32db6ea44e8afe783227711151a';
const scope = (id: string) => `/system.slice/docker-${id}.scope`;

test('cadence: a full pass first, when the interval is up, when PIDs wrapped or too many were created', () => {
  const steady: CadenceInput = {
    lastPid: 5100,
    previousLastPid: 5000,
    cgroupsWalked: true,
    msSinceFullPass: 1000,
    fullPassIntervalMs: 10_000,
  };
  assert.equal(needsFullPass(steady), false);
  assert.equal(needsFullPass({ ...steady, previousLastPid: undefined }), true, 'first scan');
  assert.equal(needsFullPass({ ...steady, lastPid: undefined }), true, 'loadavg unreadable');
  assert.equal(needsFullPass({ ...steady, cgroupsWalked: false }), true, 'no walk yet');
  assert.equal(needsFullPass({ ...steady, msSinceFullPass: 10_000 }), true, 'interval up');
  assert.equal(needsFullPass({ ...steady, lastPid: 300 }), true, 'wrapped around pid_max');
  assert.equal(needsFullPass({ ...steady, lastPid: 5000 + MAX_PROBED_PIDS }), false, 'probing is still cheaper');
  assert.equal(needsFullPass({ ...steady, lastPid: 5001 + MAX_PROBED_PIDS }), true, 'a readdir is cheaper');
});

function tracked(t: { after(fn: () => void): void }, intervalMs = 10_000) {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.process({ pid: 2000, ppid: 1, comm: 'nginx', cgroup: scope(A), ns: { pid: 4026534001 }, nspid: [2000, 1] });
  h.build();
  const hier = discoveryHierarchy(detectCgroupLayout(h.path('/sys/fs/cgroup')));
  const events: string[] = [];
  const tracker = new PidTracker(new HostReader(hostPaths(h.root)), HOST_NS.pid, intervalMs, {
    forgetProcess: (pid) => events.push(`forget ${pid}`),
    fullPassDone: () => events.push('full pass'),
  });
  const paths = () => tracker.cgroups.all.map((c) => c.path).sort();
  return { h, hier, tracker, events, paths };
}

test('a full pass walks the cgroups and indexes every PID; then only new PIDs are probed', (t) => {
  const { h, hier, tracker, events, paths } = tracked(t);
  assert.equal(tracker.update(hier, 2000, 0), 'full');
  assert.deepEqual(paths(), [scope(A)]);
  assert.deepEqual(tracker.pids.outsideHost(), [{ pid: 2000, pidns: 4026534001 }]);
  assert.equal(tracker.hostProcessCount, 3, 'systemd, kthreadd, nginx');
  h.process({ pid: 2100, ppid: 1, comm: 'redis', cgroup: scope(B), ns: { pid: 4026534101 }, nspid: [2100, 1] });
  h.build();
  assert.equal(tracker.update(hier, 2100, 1000), 'incremental');
  assert.deepEqual(paths(), [scope(A), scope(B)], 'the new PID opened a new container cgroup');
  assert.deepEqual(tracker.cgroups.all.find((c) => c.path === scope(B))?.pids, [2100], 'its members read in the same pass');
  assert.equal(tracker.hostProcessCount, 3, 'counted by full passes only');
  assert.deepEqual(events, ['full pass']);
});

test('young PIDs: a new process in no container cgroup yet is looked at once more, at the next pass only', (t) => {
  const { h, hier, tracker, paths } = tracked(t);
  tracker.update(hier, 2000, 0);
  // runc starts the init in the shim's cgroup and moves it into the container's a moment later
  h.process({ pid: 2200, ppid: 1, comm: 'init', cgroup: '/system.slice/containerd.service' });
  h.build();
  tracker.update(hier, 2200, 1000);
  assert.deepEqual(paths(), [scope(A)]);
  h.exit(2200).process({ pid: 2200, ppid: 1, comm: 'init', cgroup: scope(B) });
  h.build();
  tracker.update(hier, 2200, 2000);
  assert.deepEqual(paths(), [scope(A), scope(B)], 'found on the second look, with no new PID to probe');

  h.process({ pid: 2300, ppid: 1, comm: 'late', cgroup: '/system.slice/containerd.service' });
  h.build();
  tracker.update(hier, 2300, 3000);
  tracker.update(hier, 2300, 4000); // its second look: still in no container cgroup
  const c = '9'.repeat(64);
  h.exit(2300).process({ pid: 2300, ppid: 1, comm: 'late', cgroup: scope(c) });
  h.build();
  tracker.update(hier, 2300, 5000);
  assert.ok(!paths().includes(scope(c)), "a third look is the full pass's job");
  // a full pass walks the tree again when PIDs came or went (on a real host, always)
  h.process({ pid: 2301, ppid: 1, comm: 'other' });
  h.build();
  assert.equal(tracker.update(hier, 2301, 10_000), 'full');
  assert.ok(paths().includes(scope(c)), 'the full pass walks the tree and finds it');
});

test('a full pass forgets the PIDs that are gone and tells the process cache', (t) => {
  const { h, hier, tracker, events } = tracked(t, 0);
  h.process({ pid: 2400, ppid: 1, comm: 'brief' });
  h.build();
  assert.equal(tracker.update(hier, 2400, 0), 'full');
  h.exit(2400);
  h.build();
  assert.equal(tracker.update(hier, 2400, 1), 'full', 'interval 0: every pass is full');
  assert.deepEqual(events, ['full pass', 'forget 2400', 'full pass']);
  assert.equal(tracker.pids.has(2400), false);
});

test("a one-shot scan's halves: the cgroups walked first, then the survey made aside", (t) => {
  const { hier, tracker, events, paths } = tracked(t);
  tracker.walkCgroups(hier);
  assert.deepEqual(paths(), [scope(A)]);
  assert.deepEqual(tracker.pids.outsideHost(), [], 'no PID read yet');
  tracker.surveyed({ processCount: 4321, outsideHost: new Map([[2000, 4026534001]]) }, 2000);
  assert.deepEqual([tracker.hostProcessCount, tracker.pids.outsideHost()], [4321, [{ pid: 2000, pidns: 4026534001 }]]);
  assert.deepEqual(events, ['full pass']);
});

const C = 'c'.repeat(64);

test('a full pass made aside: gone PIDs forgotten, the listed cgroups taken, the PIDs made since probed as ever', (t) => {
  const { h, hier, tracker, events, paths } = tracked(t);
  h.process({ pid: 1900, ppid: 1, comm: 'brief' });
  h.process({ pid: 1950, ppid: 1, comm: 'moved', cgroup: '/system.slice/cron.service' });
  h.build();
  assert.equal(tracker.update(hier, 2000, 0), 'full');
  assert.deepEqual(tracker.knownPids().sort(), new Uint32Array([1, 2, 1900, 1950, 2000]));
  // between the scan and the survey: 1900 exits; 1950 is moved into a new container cgroup (no new PID says so);
  // 2100 is made in the runtime's cgroup (young), its container cgroup not there yet
  h.exit(1900)
    .exit(1950)
    .process({ pid: 1950, ppid: 1, comm: 'moved', cgroup: scope(C) });
  h.process({ pid: 2100, ppid: 1, comm: 'init', cgroup: '/system.slice/containerd.service' });
  h.build();
  const survey = {
    processCount: 20_001,
    // 1500: a PID the scans missed (outside every probe), in a PID namespace of its own
    fresh: new Map<number, number | undefined>([
      [1500, 4026534501],
      [2100, undefined],
    ]),
    gone: [1900],
    cgroupDirs: directoriesUnder(hier!.dir, LISTING_DEPTH),
  };
  // after the survey: 2100 is moved into its container's new cgroup
  h.exit(2100).process({ pid: 2100, ppid: 1, comm: 'init', cgroup: scope(B), ns: { pid: 4026534101 } });
  h.build();
  assert.equal(tracker.update(hier, 2100, 1000, undefined, { survey, at: 900 }), 'aside');
  assert.deepEqual(events, ['full pass', 'forget 1900', 'full pass']);
  assert.equal(tracker.pids.has(1900), false);
  assert.equal(tracker.hostProcessCount, 20_001, 'counted by the survey');
  assert.equal(tracker.lastFullPassAt, 900, 'the full pass is as old as the survey');
  assert.deepEqual(
    paths(),
    [scope(A), scope(B), scope(C)].sort(),
    "C from the listing, B from the probe of 2100 (the survey's view is older)",
  );
  assert.deepEqual(tracker.cgroups.all.find((c) => c.path === scope(C))?.pids, [1950], "a listed cgroup's members read in the same pass");
  assert.deepEqual(
    tracker.pids.outsideHost().sort((a, b) => a.pid - b.pid),
    [
      { pid: 1500, pidns: 4026534501 },
      { pid: 2000, pidns: 4026534001 },
      { pid: 2100, pidns: 4026534101 },
    ],
    'the missed PID noted from the survey; the probed one with the namespace read now',
  );
  assert.equal(tracker.update(hier, 2100, 2000), 'incremental', 'the next full pass is an interval after the survey');
});

test('a survey is taken only where it can be the full pass: young enough, and the PIDs since neither wrapped nor too many', (t) => {
  const { h, hier, tracker } = tracked(t);
  const survey = { processCount: 3, fresh: new Map(), gone: [], cgroupDirs: directoriesUnder(hier!.dir, LISTING_DEPTH) };
  assert.equal(tracker.update(hier, 2000, 0, undefined, { survey, at: 0 }), 'full', 'the first scan walks itself');
  assert.equal(tracker.update(hier, 2000, 1000, undefined, { survey, at: 900 }), 'aside', 'taken early: a full pass a little ahead');
  assert.equal(tracker.update(hier, 2000, 20_000, undefined, { survey, at: 9_000 }), 'full', 'as old as the interval: stale');
  assert.equal(tracker.update(hier, 300, 20_500, undefined, { survey, at: 20_400 }), 'full', 'the PIDs wrapped since the last scan');
  h.build();
  assert.equal(
    tracker.update(hier, 301 + MAX_PROBED_PIDS, 21_000, undefined, { survey, at: 20_900 }),
    'full',
    'more PIDs made since the last scan than are worth probing',
  );
  assert.equal(tracker.update(hier, 302 + MAX_PROBED_PIDS, 22_000, undefined, { survey, at: 21_900 }), 'aside');
});
