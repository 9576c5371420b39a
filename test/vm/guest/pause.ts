// Pause by the runtimes' own tools on cgroup v2: `docker pause` (runc) and `podman pause` (crun), rootful and
// rootless, freeze through cgroup.freeze; discovery must show them paused (the freezer decides:
// src/snapshot/container-builder.ts liveState) and running again once thawed. One tctop ps and one inspect of all
// three while they are paused, one ps after (a node start costs seconds here). It pauses the shared containers
// once their figures were checked, and thaws them whatever happens.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import type { InspectJson, PsRowJson } from '../../helpers/runtimes.js';
import { asRootless, CGROUP_ROOT, cgText, NAMES, ok, setupOk, tctop, tctopViews, unifiedCgroupOf, until } from './lib.js';

interface Target {
  title: string;
  name: string;
  step: string;
  tool: (verb: 'pause' | 'unpause') => string;
}

const TARGETS: Target[] = [
  { title: 'docker', name: NAMES.docker, step: 'docker-run', tool: (v) => ok('docker', [v, NAMES.docker]) },
  { title: 'podman', name: NAMES.podman, step: 'podman-run', tool: (v) => ok('podman', [v, NAMES.podman]) },
  {
    title: 'podman rootless',
    name: NAMES.podmanRootless,
    step: 'rootless-run',
    tool: (v) => ok(...asRootless('podman', [v, NAMES.podmanRootless])),
  },
];

interface Seen {
  /** Why the runtime's own pause failed, if it did. */
  pauseError?: string;
  /** cgroup.freeze and cgroup.events' frozen of the cgroup tctop reports and of the init's own, while paused. */
  freezer: Record<string, { freeze: string; frozen: string }>;
  initCgroup: string;
  reported: string;
  paused?: { ps?: PsRowJson; inspect?: InspectJson };
  thawed?: PsRowJson;
}

const frozenOf = (path: string) => /^frozen (\d)$/m.exec(cgText(path, 'cgroup.events'))?.[1] ?? '?';

function freezerFiles(paths: string[]): Seen['freezer'] {
  const out: Seen['freezer'] = {};
  for (const p of new Set(paths))
    if (existsSync(`${CGROUP_ROOT}${p}/cgroup.freeze`)) out[p] = { freeze: cgText(p, 'cgroup.freeze').trim(), frozen: frozenOf(p) };
  return out;
}

let seen: Map<string, Seen> | undefined;

async function observe(): Promise<Map<string, Seen>> {
  if (seen) return seen;
  seen = new Map();
  const views = tctopViews();
  const live = TARGETS.filter((t) => views.inspect.get(t.name)?.init);
  const paused: Target[] = [];
  try {
    for (const t of live) {
      const c = views.inspect.get(t.name)!;
      const s: Seen = { freezer: {}, initCgroup: unifiedCgroupOf(c.init!.hostPid), reported: c.cgroup?.path ?? '?' };
      seen.set(t.name, s);
      try {
        t.tool('pause');
        paused.push(t);
        await until(`${t.name} frozen`, () => frozenOf(s.initCgroup) === '1', 10_000);
      } catch (e) {
        s.pauseError = (e as Error).message;
      }
      s.freezer = freezerFiles([s.reported, s.initCgroup]);
    }
    const names = paused.map((t) => t.name);
    if (names.length) {
      const ps = JSON.parse(tctop(['ps', '--json', '-a'])) as PsRowJson[];
      const inspected = JSON.parse(tctop(['inspect', '--json', ...names])) as InspectJson[];
      for (const n of names) seen.get(n)!.paused = { ps: ps.find((r) => r.name === n), inspect: inspected.find((c) => c.name === n) };
    }
  } finally {
    for (const t of paused) t.tool('unpause');
  }
  if (paused.length) {
    const ps = JSON.parse(tctop(['ps', '--json', '-a'])) as PsRowJson[];
    for (const t of paused) seen.get(t.name)!.thawed = ps.find((r) => r.name === t.name);
  }
  return seen;
}

for (const t of TARGETS) {
  test(`pause ${t.title}: its own pause freezes the cgroup (v2 freezer); tctop ps and inspect say paused, then running once unpaused`, async () => {
    setupOk(t.step);
    const s = (await observe()).get(t.name);
    assert.ok(s, `${t.name} was not found running by tctop`);
    assert.equal(s.pauseError, undefined, 'the runtime paused it');
    const files = JSON.stringify(s.freezer);
    assert.equal(s.freezer[s.initCgroup]?.frozen, '1', `the init's cgroup ${s.initCgroup} is frozen (${files})`);
    assert.equal(s.paused?.ps?.state, 'paused', `tctop ps while paused (tctop reads ${s.reported}; ${files})`);
    assert.equal(s.paused?.inspect?.state, 'paused', 'tctop inspect while paused');
    assert.ok(s.paused?.inspect?.processes.length, 'a paused container still lists its processes');
    assert.equal(s.thawed?.state, 'running', 'tctop ps once unpaused');
  });
}
