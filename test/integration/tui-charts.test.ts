// The dashboard's line charts in a real tmux: the host charts in the table view, and in the detail view of a busy
// container a CPU line that rises off the baseline while an idle container's stays on it; 200x60 gets all four.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { dockerAvailable, dockerRm, dockerRun, testImagePresent } from '../helpers/docker.js';
import { isRoot, missing } from '../helpers/prereq.js';
import { regions } from '../../src/tui/layout.js';
import { TmuxDashboard, tmuxAvailable } from './tui-harness.js';

const tag = Math.random().toString(36).slice(2, 6);
const busy = `tui-busy-${tag}`;
const idle = `tui-idle-${tag}`;
const ready = tmuxAvailable() && isRoot() && dockerAvailable() && testImagePresent();
const dashboards: TmuxDashboard[] = [];
after(() => {
  for (const d of dashboards) d.close();
  dockerRm(busy, idle);
});

const BRAILLE = /[\u2801-\u28ff]/;

/** The braille dots inside a chart's box, above its last labelled row (the 0 row and the x axis below it). */
function dotsAboveZero(screen: string, place: { top: number; left: number; width: number; height: number }): number {
  const rows = screen.split('\n').slice(place.top + 1, place.top + place.height - 1);
  const zero = rows.findIndex((r) => /^│0 +[⡇⢸]/.test([...r].slice(place.left).join('')));
  assert.ok(zero > 0, `a 0 label in the chart:\n${rows.join('\n')}`);
  let dots = 0;
  for (const r of rows.slice(0, zero)) {
    const inside = [...r].slice(place.left + 5, place.left + place.width - 1).join('');
    dots += [...inside].filter((ch) => BRAILLE.test(ch)).length;
  }
  return dots;
}

async function openDetail(d: TmuxDashboard, name: string): Promise<void> {
  await d.waitFor((s) => s.includes(name), 15_000, `${name} listed`);
  d.keys('/');
  d.type(name);
  d.keys('Enter');
  d.keys('Enter');
  await d.waitFor((s) => s.includes('CPU % of a core'), 5000, 'the detail charts');
}

test("charts: host CPU and memory above the table; a busy container's CPU line rises, an idle one's does not", {
  timeout: 90_000,
}, async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  dockerRun(busy, ['--cpus', '0.5'], ['sh', '-c', 'while :; do :; done']);
  dockerRun(idle, [], ['sleep', '3600']);
  const d = new TmuxDashboard([], { width: 120, height: 40 });
  dashboards.push(d);
  const r = regions(120, 40);
  let s = await d.waitFor(/host CPU %/, 15_000);
  assert.match(s.split('\n')[r.hostCharts[0].top], /^┌─ host CPU % [\d.]+ ─+┐┌─ host memory % used [\d.]+ ─+┐$/);
  await openDetail(d, busy);
  // a few samples in: the line of a container held at half a core sits well off the baseline, under its quota's top
  s = await d.waitFor(
    (x) => x.includes('of 50 quota') && dotsAboveZero(x, r.detailCharts[0]) > 10,
    15_000,
    'the CPU line off the baseline',
  );
  assert.match(s, /CPU % of a core [\d.]+ of 50 quota/);
  // back to the table, then clear the filter: apart, or the terminal reads the two as one Meta-Escape
  d.keys('Escape');
  await d.waitFor(/NAME\s+ID\s+RUNTIME/, 5000);
  await new Promise((res) => setTimeout(res, 600));
  d.keys('Escape');
  await openDetail(d, idle);
  await new Promise((res) => setTimeout(res, 3000));
  s = d.screen();
  assert.equal(dotsAboveZero(s, r.detailCharts[0]), 0, `an idle container's CPU line stays at 0:\n${s}`);
  assert.match(s, /memory MiB [\d.]+ \(no limit\)/);
  d.keys('q');
  assert.equal(await d.waitExit(), 0);
});

test('charts: 200x60 draws all four detail charts; 80x20 keeps room for the table', { timeout: 60_000 }, async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  dockerRun(`${idle}-b`, [], ['sleep', '3600']);
  t.after(() => dockerRm(`${idle}-b`));
  const d = new TmuxDashboard([], { width: 200, height: 60 });
  dashboards.push(d);
  await openDetail(d, `${idle}-b`);
  const s = await d.waitFor(/network KiB\/s/, 5000);
  for (const label of ['CPU % of a core', 'memory MiB', 'network KiB/s rx', 'block IO KiB/s read']) assert.ok(s.includes(label), label);
  d.resize(80, 20);
  const small = await d.waitFor((x) => x.includes('CPU % of a core') && !x.includes('network KiB/s'), 5000, 'two charts at 80x20');
  assert.ok(small.split('\n').length >= 20);
  d.keys('q');
  assert.equal(await d.waitExit(), 0);
});

test('NO_COLOR and --no-color draw without colour; by default a running state is green', { timeout: 60_000 }, async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  const name = `${idle}-c`;
  dockerRun(name, [], ['sleep', '3600']);
  t.after(() => dockerRm(name));
  const colourSgr = /\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38;5;\d+)(?:;[0-9;]*)?m/;
  for (const [args, env, coloured] of [
    [[], {}, true],
    [[], { NO_COLOR: '1' }, false],
    [['--no-color'], {}, false],
  ] as const) {
    const d = new TmuxDashboard([...args], { width: 120, height: 40 }, env);
    dashboards.push(d);
    await d.waitFor((s) => s.includes(name), 15_000, `${name} listed`);
    await new Promise((r) => setTimeout(r, 1500)); // a tick with the charts drawn
    const raw = d.tmux('capture-pane', '-p', '-e');
    assert.equal(colourSgr.test(raw), coloured, `${JSON.stringify(args)} ${JSON.stringify(env)}: colour ${coloured ? 'on' : 'off'}`);
    d.keys('q');
    assert.equal(await d.waitExit(), 0);
  }
});
