// The long-running scanner's full pass made aside (src/host/procfs/host-survey.ts, native/pidns/pidns.c --every):
// the helper's sections parse exactly or not at all, and the real helper on a fixture host reports the PIDs the
// caller did not know (with their namespace), those it knew that are gone, and every cgroup directory.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { parseHostSurvey, startHostSurvey } from '../../../src/host/procfs/host-survey.js';
import { pidnsHelperPath } from '../../../src/host/procfs/pidns-aside.js';
import { directoriesUnder } from '../../helpers/cgroup-listing.js';
import { FixtureHost, HOST_NS } from '../../helpers/fixture-host.js';
import { missing } from '../../helpers/prereq.js';

const out = (...fields: string[]) => Buffer.from(fields.map((f) => `${f}\0`).join(''));

test('a survey: the count, the new PIDs with their links, the gone PIDs, the cgroup directories', () => {
  const s = parseHostSurvey(out('20001', '2', '700', 'pid:[4026534001]', '701', '', '1', '650', '2', '/a', '/a/b c'), true);
  assert.deepEqual(s, {
    processCount: 20001,
    fresh: new Map([
      [700, 4026534001],
      [701, undefined],
    ]),
    gone: [650],
    cgroupDirs: ['/a', '/a/b c'],
  });
  assert.deepEqual(parseHostSurvey(out('3', '0', '0'), false), { processCount: 3, fresh: new Map(), gone: [] });
  assert.deepEqual(parseHostSurvey(out('3', '0', '0', '0'), true)?.cgroupDirs, []);
});

test('a survey cut short or malformed is none at all (the scan then makes its full pass itself)', () => {
  const whole = out('5', '1', '700', '', '1', '650', '1', '/a');
  assert.ok(parseHostSurvey(whole, true));
  for (let cut = 0; cut < whole.length; cut++) assert.equal(parseHostSurvey(whole.subarray(0, cut), true), null, `cut at ${cut}`);
  assert.equal(parseHostSurvey(out('5', '1', 'x', '', '0', '0'), true), null, 'a PID that is no number');
  assert.equal(parseHostSurvey(out('5', '0', '1', '-4', '0'), true), null, 'a gone PID that is no number');
  assert.equal(parseHostSurvey(out('5', 'two', '0', '0'), true), null, 'a count that is no number');
  assert.equal(parseHostSurvey(out('5', '0', '0', '0', 'extra'), true), null, 'trailing bytes');
  assert.equal(parseHostSurvey(out('5', '0', '0'), true), null, 'no cgroup section when one was asked for');
});

test('the helper: new PIDs with their namespace, known ones not read again, gone ones, the cgroup tree', async (t) => {
  if (missing(t, existsSync(pidnsHelperPath()), `${pidnsHelperPath()} (npm run build)`)) return;
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.process({ pid: 300, ppid: 1, comm: 'nginx', cgroup: '/system.slice/docker-a.scope', ns: { pid: 4026534001 } });
  h.process({ pid: 301, ppid: 1, comm: 'cron', cgroup: '/system.slice/cron.service' });
  h.process({ pid: 302, ppid: 1, comm: 'sh', cgroup: '/deep/1/2/3/4', ns: { pid: 4026534002 } });
  h.build();
  const cgroupDir = h.path('/sys/fs/cgroup');
  // 301's link is known (not read again: the caller has it), 999 is gone; 1, 2, 300 and 302 are new
  const known = new Uint32Array([301, 999]);
  const started = startHostSurvey({ procDir: h.path('/proc'), hostPidns: HOST_NS.pid, known, cgroups: { dir: cgroupDir, maxDepth: 3 } });
  const s = await started.survey;
  assert.equal(await started.missing, false);
  assert.ok(s, 'the helper ran and its output parsed');
  assert.equal(s.processCount, 5);
  assert.deepEqual(
    [...s.fresh].sort((a, b) => a[0] - b[0]),
    [
      [1, undefined],
      [2, undefined],
      [300, 4026534001],
      [302, 4026534002],
    ],
    "the host's namespace is no link: it is empty",
  );
  assert.deepEqual(s.gone, [999]);
  assert.deepEqual([...s.cgroupDirs!].sort(), directoriesUnder(cgroupDir, 3).sort(), 'every directory, three levels deep');
  assert.ok(!s.cgroupDirs!.includes('/deep/1/2/3'), 'not deeper than asked');
  for (const [i, dir] of s.cgroupDirs!.entries()) {
    const parent = dir.slice(0, dir.lastIndexOf('/'));
    if (parent) assert.ok(s.cgroupDirs!.indexOf(parent) < i, `${parent} listed before ${dir}`);
  }
});

test('the helper missing, or failing: no survey, and missing only when it is not there', async (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.build();
  const req = { procDir: h.path('/proc'), hostPidns: HOST_NS.pid, known: new Uint32Array() };
  const absent = startHostSurvey(req, '/nonexistent/tctop-pidns');
  assert.deepEqual([await absent.survey, await absent.missing], [null, true]);
  if (missing(t, existsSync(pidnsHelperPath()), `${pidnsHelperPath()} (npm run build)`)) return;
  const failing = startHostSurvey({ ...req, cgroups: { dir: h.path('/no/such/hierarchy'), maxDepth: 12 } });
  assert.deepEqual([await failing.survey, await failing.missing], [null, false]);
});

test('the helper is no process of the host it surveys: not counted, not reported new', async (t) => {
  if (missing(t, existsSync(pidnsHelperPath()), `${pidnsHelperPath()} (npm run build)`)) return;
  const started = startHostSurvey({ procDir: '/proc', hostPidns: undefined, known: new Uint32Array([process.pid]) });
  const s = await started.survey;
  assert.ok(s && started.child?.pid);
  assert.equal(s.fresh.has(started.child.pid), false);
  assert.equal(s.fresh.has(process.pid), false, 'a known PID is not new');
  assert.ok(s.processCount >= s.fresh.size + 1);
});
