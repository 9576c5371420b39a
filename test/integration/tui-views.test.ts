// The dashboard's host tree (t), logs (l), grouping (o) and gauges in a real tmux with real Docker and tctop
// containers: containerd-shim above a Docker container's init and tctop's shim above an own one's, Enter folds;
// a Docker container's output shown (json-file and local), a new line followed, / n N jump; a Compose project folded into one row whose
// CPU, memory and PIDs are its members' summed; CPU/Q and MEM/L bars drawn.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { dockerAvailable, dockerRm, dockerRun, TEST_IMAGE, testImagePresent } from '../helpers/docker.js';
import { isRoot, missing, sh } from '../helpers/prereq.js';
import { CELL_GAP, COLUMNS, fitColumns } from '../../src/tui/view/columns.js';
import { withGauges } from '../../src/tui/view/gauges.js';
import { TmuxDashboard, tmuxAvailable } from './tui-harness.js';

const tag = `dashboard-${Math.random().toString(36).slice(2, 6)}`;
const ready = tmuxAvailable() && isRoot() && dockerAvailable() && testImagePresent();
/** Reading every host process of a busy shared machine takes a while: the tree waits are generous. */
const TREE_WAIT_MS = 120_000;

async function filterTo(d: TmuxDashboard, name: string, rows = 1): Promise<void> {
  // a shared host may run hundreds of containers: filter first, then look for it
  await d.waitFor(/NAME\s+ID\s+RUNTIME/, 30_000, 'the table');
  d.keys('/');
  d.type(name);
  d.keys('Enter');
  await d.waitFor(
    // names may be cut in a narrow NAME column: the status bar's count says the filter holds the rows expected
    (s) => new RegExp(`^ ${rows}/\\d+ containers`, 'm').test(s) && s.includes(`filter "${name}"`),
    30_000,
    `${name} listed`,
  );
}

/** The lines around the frame header of `name` in the tree view. */
function frameOf(screen: string, runtime: string, name: string): { above: string; header: string; below: string } | undefined {
  const lines = screen.split('\n');
  const at = lines.findIndex((l) => l.includes(`┏━ ${runtime} ${name} `));
  return at > 0 ? { above: lines[at - 1], header: lines[at], below: lines[at + 1] ?? '' } : undefined;
}

test('tree view: containerd-shim above a Docker init, tctop-shim above an own init, Enter folds', { timeout: 400_000 }, async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  const docker = `tui-tree-${tag}`;
  const own = `tui-tree-own-${tag}`;
  const root = mkdtempSync(join(tmpdir(), 'tctop-tui-tree-'));
  const env = { ...process.env, TCTOP_ROOT: root };
  const tctop = (...args: string[]) => sh(process.execPath, ['bin/tctop', ...args], { env, timeoutMs: 180_000 });
  t.after(() => {
    dockerRm(docker);
    spawnSync(process.execPath, ['bin/tctop', 'rm', '-f', own], { env, stdio: 'ignore', timeout: 60_000 });
    rmSync(root, { recursive: true, force: true });
  });
  dockerRun(docker, [], ['sh', '-c', 'sleep 3600 & wait']);
  const archive = join(root, 'image.tar');
  sh('docker', ['save', '-o', archive, TEST_IMAGE]);
  tctop('load', '-q', '-i', archive);
  tctop('run', '-d', '--network', 'none', '--name', own, TEST_IMAGE, 'sleep', '3600');

  const d = new TmuxDashboard([], { width: 160, height: 45 }, { TCTOP_ROOT: root });
  t.after(() => d.close());
  await filterTo(d, docker);
  d.keys('t');
  let s = await d.waitFor((x) => frameOf(x, 'docker', docker) !== undefined && !x.includes('reading every'), TREE_WAIT_MS, 'its frame');
  let f = frameOf(s, 'docker', docker)!;
  assert.match(f.above, new RegExp(`^\\s+\\d+\\s+-\\s.*\\[shim of ${docker}\\] \\S*containerd-shim`), s);
  assert.match(f.header, /2 processes/);
  assert.match(f.below, /^\s+\d+\s+1\s.*┃ \[init\] sh -c sleep 3600 & wait/, 'host PID and container PID 1 side by side');
  assert.ok(
    s.split('\n').some((l) => /^\s+\d+\s+\d+\s.*┃ └─ sleep 3600$/.test(l)),
    'the init child inside the frame',
  );
  assert.ok(/\[docker daemon\] \S*dockerd/.test(s) || /HOST PID/.test(s), 'daemons are marked where on screen');
  // the frame header is selected (the container selected in the table): Enter folds it, Enter again opens it
  d.keys('Enter');
  s = await d.waitFor((x) => x.includes(`▶ docker ${docker} `), TREE_WAIT_MS, 'folded');
  assert.ok(!s.includes('[init] sh -c sleep 3600 & wait'), `its processes are hidden:\n${s}`);
  d.keys('Enter');
  await d.waitFor((x) => frameOf(x, 'docker', docker) !== undefined, TREE_WAIT_MS, 'open again');
  d.keys('t');
  await d.waitFor(/NAME\s+ID\s+RUNTIME/, TREE_WAIT_MS, 'back in the table');
  await sleep(600); // apart, or the terminal reads Escape and the next key as one Meta key
  d.keys('Escape');
  // taken alone (a busy dashboard reads Escape and a key sent soon after as one Meta key): the filter is gone
  await d.waitFor((x) => !x.includes('filter "'), 30_000, 'the filter cleared');
  await filterTo(d, own);
  d.keys('t');
  s = await d.waitFor((x) => frameOf(x, 'tctop', own) !== undefined && !x.includes('reading every'), TREE_WAIT_MS, 'the own frame');
  f = frameOf(s, 'tctop', own)!;
  assert.match(f.above, new RegExp(`\\[shim of ${own}\\] \\S*tctop-shim`), s);
  assert.match(f.below, /^\s+\d+\s+1\s.*┃ \[init\] sleep 3600/);
  d.keys('q');
  assert.equal(await d.waitExit(), 0);
});

/**
 * The selected (inverse) line of the pane, from a capture with escapes. tmux carries attributes across rows (an
 * inverse row after the inverse title starts with no SGR of its own), so the inverse state is followed throughout.
 */
function selectedLine(d: TmuxDashboard): string {
  let inverse = false;
  const rows = d
    .tmux('capture-pane', '-p', '-e')
    .split('\n')
    .map((row) => {
      let text = '';
      let inverted = false;
      for (const part of row.split(/(\x1b\[[0-9;]*m)/)) {
        const sgr = /^\x1b\[([0-9;]*)m$/.exec(part);
        if (sgr) {
          for (const p of sgr[1].split(';')) {
            if (p === '' || p === '0' || p === '27') inverse = false;
            if (p === '7') inverse = true;
          }
        } else if (part) {
          text += part;
          if (inverse && part.trim()) inverted = true;
        }
      }
      return { text: text.trim(), inverted };
    });
  // below the header and the pane's title row (inverse itself), above the status bar
  return rows.slice(4, -2).find((r) => r.inverted)?.text ?? '';
}

test('logs view: a Docker container output, a new line followed, / n N jump between matches', { timeout: 120_000 }, async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  const name = `tui-logs-${tag}`;
  t.after(() => dockerRm(name));
  const script = [
    `echo first-${tag}`,
    `echo "needle-${tag} one"`,
    'for i in $(seq 60); do echo filler $i; done',
    `echo "needle-${tag} two"`,
    'for i in $(seq 60); do echo more $i; done',
    'while [ ! -e /tmp/go ]; do sleep 0.2; done',
    `echo late-${tag}`,
    'sleep 3600',
  ].join('; ');
  dockerRun(name, [], ['sh', '-c', script]);
  const d = new TmuxDashboard([], { width: 140, height: 40 });
  t.after(() => d.close());
  await filterTo(d, name);
  d.keys('l');
  let s = await d.waitFor((x) => x.includes(`logs of ${name}`) && x.includes('more 60'), 20_000, 'the log tail');
  assert.match(s, /following {2}\/var\/lib\/docker\/containers\/[0-9a-f]{12}/, 'read from docker json-file on disk');
  sh('docker', ['exec', name, 'touch', '/tmp/go']);
  s = await d.waitFor((x) => x.includes(`late-${tag}`), 10_000, 'the new line followed');
  assert.equal(selectedLine(d), `late-${tag}`, 'following: the last line stays selected');
  d.keys('/');
  d.type(`needle-${tag}`);
  await d.waitFor((x) => x.includes(`search: needle-${tag}`), 5000);
  d.keys('Enter');
  await d.waitFor(() => selectedLine(d) === `needle-${tag} one`, 5000, 'the first match (wrapped from the end)');
  d.keys('n');
  await d.waitFor(() => selectedLine(d) === `needle-${tag} two`, 5000, 'n: the next match');
  d.keys('N');
  await d.waitFor(() => selectedLine(d) === `needle-${tag} one`, 5000, 'N: the previous one');
  const compare = sh('docker', ['logs', name]);
  assert.ok(compare.includes(`needle-${tag} two`));
  d.keys('Escape');
  await d.waitFor(/NAME\s+ID\s+RUNTIME/, 5000, 'back in the table');
  d.keys('q');
  assert.equal(await d.waitExit(), 0);
});

test('logs view: a Docker container with the local driver, read from its protobuf file and followed', { timeout: 120_000 }, async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  const name = `tui-logs-local-${tag}`;
  t.after(() => dockerRm(name));
  const script = [
    `echo out-${tag}`,
    // docker copies stdout and stderr in goroutines of their own: records written together may land in either order
    'sleep 0.5',
    `echo err-${tag} >&2`,
    'while [ ! -e /tmp/go ]; do sleep 0.2; done',
    `echo late-${tag}`,
    'sleep 3600',
  ].join('; ');
  dockerRun(name, ['--log-driver', 'local'], ['sh', '-c', script]);
  const d = new TmuxDashboard([], { width: 200, height: 40 }); // room for the whole path in the pane's title
  t.after(() => d.close());
  await filterTo(d, name);
  d.keys('l');
  const s = await d.waitFor((x) => x.includes(`logs of ${name}`) && x.includes(`err-${tag}`), 20_000, 'the log tail');
  assert.match(s, /following {2}\/var\/lib\/docker\/containers\/[0-9a-f]{12}[^\n]*local-logs/, "read from docker's local file on disk");
  assert.ok(s.includes(`out-${tag}`) && s.indexOf(`out-${tag}`) < s.indexOf(`err-${tag}`), 'both streams, in order');
  sh('docker', ['exec', name, 'touch', '/tmp/go']);
  await d.waitFor((x) => x.includes(`late-${tag}`), 10_000, 'the new line followed');
  assert.equal(selectedLine(d), `late-${tag}`, 'following: the last line stays selected');
  d.keys('q');
  assert.equal(await d.waitExit(), 0);
});

const UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
const bytes = (cell: string) => {
  const m = /^([\d.]+)(B|KiB|MiB|GiB)$/.exec(cell);
  return m ? Number(m[1]) * UNITS[m[2]] : NaN;
};

/** The table's cells of the row whose NAME cell starts with `name`, cut where the dashboard lays the columns out. */
function cellsOf(screen: string, name: string, width = 200): Record<string, string> | undefined {
  const row = screen.split('\n').find((l) => l.startsWith(name));
  if (!row) return undefined;
  const chars = [...row];
  const out: Record<string, string> = {};
  let at = 0;
  for (const { column, width: w } of fitColumns(width, withGauges(COLUMNS, width))) {
    out[column.header] = chars
      .slice(at, at + w)
      .join('')
      .trim();
    at += w + CELL_GAP.length;
  }
  return out;
}

test('grouping: two containers of one Compose project fold into one row, figures summed; gauges drawn', { timeout: 120_000 }, async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  const project = `tuiproj-${tag}`;
  const busy = `${project}-busy-1`;
  const idle = `${project}-idle-1`;
  t.after(() => dockerRm(busy, idle));
  const label = ['--label', `com.docker.compose.project=${project}`];
  dockerRun(busy, [...label, '--cpus', '0.5', '--memory', '64m'], ['sh', '-c', 'while :; do :; done']);
  dockerRun(idle, label, ['sh', '-c', 'sleep 3600 & wait']);
  // wide enough for the names whole (the gauges are there from 140 columns: unit-tested)
  const d = new TmuxDashboard([], { width: 200, height: 50 });
  t.after(() => d.close());
  await filterTo(d, project, 2);
  let s = await d.waitFor((x) => /CPU\/Q/.test(x) && /MEM\/L/.test(x), 10_000, 'the gauge columns');
  // the busy one, held at half a core, fills some of its CPU/Q bar; its MEM/L is a bar against 64 MiB; the idle
  // one has no quota and no limit
  s = await d.waitFor((x) => /█/.test(cellsOf(x, busy)?.['CPU/Q'] ?? ''), 20_000, 'a CPU bar');
  const busyCells = cellsOf(s, busy)!;
  assert.match(busyCells['CPU/Q'], /^[█▉▊▋▌▍▎▏░]{5}$/);
  assert.match(busyCells['MEM/L'], /^[█▉▊▋▌▍▎▏░]{5}$/);
  assert.equal(cellsOf(s, idle)?.['CPU/Q'], '-');
  d.keys('o');
  s = await d.waitFor((x) => x.includes(`▶ ${project}`) && !x.split('\n').some((l) => l.startsWith(busy)), 10_000, 'one group row');
  assert.match(s, /compose, 2 containers/);
  d.keys('Enter');
  s = await d.waitFor((x) => x.includes(`▼ ${project}`) && x.includes(`├ `) && x.includes(`└ `), 10_000, 'unfolded');
  const g = cellsOf(s, `▼ ${project}`)!;
  const members = [cellsOf(s, `├ `)!, cellsOf(s, `└ `)!];
  assert.equal(Number(g.PIDS), Number(members[0].PIDS) + Number(members[1].PIDS), JSON.stringify({ g, members }));
  assert.equal(Number(g.PIDS), 3);
  const cpu = (c: Record<string, string>) => Number.parseFloat(c['CPU%']);
  assert.ok(Math.abs(cpu(g) - cpu(members[0]) - cpu(members[1])) <= 0.2, JSON.stringify({ g, members }));
  const mem = (c: Record<string, string>) => bytes(c['MEM / LIMIT'].split(' / ')[0]);
  const sum = mem(members[0]) + mem(members[1]);
  assert.ok(Math.abs(mem(g) - sum) <= sum * 0.05, JSON.stringify({ g, members }));
  d.keys('o');
  s = await d.waitFor(
    (x) => x.split('\n').some((l) => l.startsWith(busy)) && !x.includes(`${project} `.replace(/^/, '▼ ')),
    10_000,
    'flat again',
  );
  d.keys('q');
  assert.equal(await d.waitExit(), 0);
});
