// The dashboard's mouse and settings file in a real tmux: a click (the terminal's SGR mouse sequence) selects a row,
// a click on the selected row opens it, the wheel moves the selection; W saves the sort, the next start uses it;
// a broken settings file is one line naming it, exit 2.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { dockerAvailable, dockerRm, dockerRun, testImagePresent } from '../helpers/docker.js';
import { isRoot, missing } from '../helpers/prereq.js';
import { regions } from '../../src/tui/layout.js';
import { TmuxDashboard, tmuxAvailable } from './tui-harness.js';

const tag = Math.random().toString(36).slice(2, 6);
const names = [`mouse-a-${tag}`, `mouse-b-${tag}`, `mouse-c-${tag}`];
const ready = tmuxAvailable() && isRoot() && dockerAvailable() && testImagePresent();
const dashboards: TmuxDashboard[] = [];
const home = mkdtempSync(join(tmpdir(), 'tctop-home-'));
after(() => {
  for (const d of dashboards) d.close();
  dockerRm(...names);
  rmSync(home, { recursive: true, force: true });
});

/**
 * SGR mouse (xterm 1006) at 1-based x, y: a left press then its release, each on its own (a terminal sends them
 * apart; blessed reads one mouse event per read), or a wheel turn down (button 65).
 */
async function click(d: TmuxDashboard, x: number, y: number): Promise<void> {
  d.type(`\x1b[<0;${x};${y}M`);
  await new Promise((r) => setTimeout(r, 150));
  d.type(`\x1b[<0;${x};${y}m`);
}
const wheelDown = (d: TmuxDashboard, x: number, y: number) => d.type(`\x1b[<65;${x};${y}M`);

/**
 * The row of ours in inverse video (the selection). capture-pane -e writes an attribute only where it changes, and
 * the table header above the list is inverse too: a selected first row carries no escape of its own, the others
 * start with a reset. So: the one of our rows that does not begin with the reset.
 */
function selectedRow(d: TmuxDashboard): string {
  const lines = d.tmux('capture-pane', '-p', '-e').split('\n');
  const ours = lines.filter((l) => names.some((n) => l.includes(n)));
  const line = ours.find((l, i) => l.startsWith('\x1b[7m') || (i === 0 && !l.startsWith('\x1b[0m'))) ?? '';
  return names.find((n) => line.includes(n)) ?? '';
}

async function openFiltered(env: Record<string, string> = {}): Promise<TmuxDashboard> {
  const d = new TmuxDashboard([], { width: 120, height: 40 }, { HOME: home, ...env });
  dashboards.push(d);
  await d.waitFor((s) => names.every((n) => s.includes(n)), 15_000, 'the three containers');
  d.keys('/');
  d.type(`mouse-`);
  d.keys('Enter');
  await d.waitFor((s) => s.includes('3/'), 5000, 'filtered to three');
  return d;
}

test('mouse: a click selects a row, a click on the selected row opens it, the wheel moves the selection', {
  timeout: 60_000,
}, async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  for (const n of names) dockerRun(n, [], ['sleep', '3600']);
  const d = await openFiltered();
  d.keys('s', 's'); // sort by name: a, b, c from the top, whatever their CPU
  await d.waitFor((s) => s.indexOf(names[0]) < s.indexOf(names[1]) && s.indexOf(names[1]) < s.indexOf(names[2]), 5000, 'sorted by name');
  const top = regions(120, 40).list.top; // 0-based screen row of the first list row
  await click(d, 5, top + 3); // the third row, 1-based
  await waitUntil(() => selectedRow(d) === names[2], 'the clicked row selected');
  wheelDown(d, 5, top + 1);
  await waitUntil(() => selectedRow(d) === names[2], 'the wheel at the last row stays there');
  await click(d, 5, top + 1);
  await waitUntil(() => selectedRow(d) === names[0], 'the first row selected');
  wheelDown(d, 5, top + 1);
  await waitUntil(() => selectedRow(d) === names[1], 'the wheel moves the selection down');
  await click(d, 5, top + 2);
  await d.waitFor(new RegExp(`^${names[1]}\\s+[0-9a-f]{12}\\s+docker`, 'm'), 5000, 'a click on the selected row opens it');
  d.keys('q');
  assert.equal(await d.waitExit(), 0);
});

test('W saves the sort and its order; the next start reads them; a broken file is one line and exit 2', { timeout: 60_000 }, async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  const d = await openFiltered();
  d.keys('s', 's', 'S'); // name, reversed
  await d.waitFor(/NAME▲/, 5000);
  d.keys('W');
  const file = join(home, '.config/tctop/config.json');
  await d.waitFor((s) => s.includes('settings saved to'), 5000);
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(saved.sort, 'name');
  assert.equal(saved.reverse, true);
  assert.equal(saved.refreshSeconds, 1);
  assert.equal(saved.colours, true);
  assert.deepEqual(saved.columns.slice(0, 3), ['NAME', 'ID', 'RUNTIME']);
  d.keys('q');
  await d.waitExit();
  // a trimmed column list and the saved sort, read at the next start
  writeFileSync(file, JSON.stringify({ ...saved, columns: ['NAME', 'STATE', 'CPU%'] }));
  const again = await openFiltered();
  const s = await again.waitFor(/NAME▲/, 5000, 'the saved sort');
  assert.match(s, /^NAME▲\s+STATE\s+CPU%$/m, 'only the configured columns, in their order');
  assert.ok(s.indexOf(names[2]) < s.indexOf(names[0]), 'reversed name order');
  again.keys('q');
  await again.waitExit();
  // broken: one line naming the file, exit 2, the terminal untouched
  writeFileSync(file, '{"sort": "colour"}');
  const broken = new TmuxDashboard([], { width: 120, height: 40 }, { HOME: home });
  dashboards.push(broken);
  assert.equal(await broken.waitExit(), 2);
  assert.match(broken.screen(), new RegExp(`tctop: ${file.replace(/[/.]/g, '\\$&')}: "sort" must be one of cpu, mem`));
});

async function waitUntil(ok: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
