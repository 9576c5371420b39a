// Actions from the dashboard: tctop's own container stopped with x (after a confirmation), through the engine's
// CLI; another runtime's container is left alone with the command that would manage it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dockerAvailable, dockerRm, dockerRun, TEST_IMAGE, testImagePresent } from '../helpers/docker.js';
import { isRoot, missing, sh } from '../helpers/prereq.js';
import { TmuxDashboard, tmuxAvailable } from './tui-harness.js';

const tag = Math.random().toString(36).slice(2, 6);
const ready = tmuxAvailable() && isRoot() && dockerAvailable() && testImagePresent();

test("x on another runtime's container names its tool and changes nothing", async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  const name = `tui-foreign-${tag}`;
  t.after(() => dockerRm(name));
  dockerRun(name, []);
  const d = new TmuxDashboard([]);
  t.after(() => d.close());
  await d.waitFor((s) => s.includes(name), 15_000, 'container listed');
  d.keys('/');
  d.type(name);
  d.keys('Enter');
  await d.waitFor((s) => s.includes(name) && /1\/\d+ containers/.test(s), 5000, 'filtered');
  d.keys('x');
  await d.waitFor(new RegExp(`managed by docker: use docker stop ${name}`), 5000);
  d.keys('D');
  await d.waitFor(new RegExp(`use docker rm ${name}`), 5000);
  assert.equal(sh('docker', ['inspect', '-f', '{{.State.Running}}', name]).trim(), 'true');
  d.keys('q');
  assert.equal(await d.waitExit(), 0);
});

test("x then y stops one of tctop's own containers; n cancels", async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  const root = mkdtempSync(join(tmpdir(), 'tctop-tui-engine-'));
  const env = { ...process.env, TCTOP_ROOT: root };
  const tctop = (...args: string[]) => sh(process.execPath, ['bin/tctop', ...args], { env, timeoutMs: 120_000 });
  const name = `tui-own-${tag}`;
  const archive = join(root, 'image.tar');
  t.after(() => {
    spawnSync(process.execPath, ['bin/tctop', 'rm', '-f', name], { env, stdio: 'ignore', timeout: 60_000 });
    rmSync(root, { recursive: true, force: true });
  });
  sh('docker', ['save', '-o', archive, TEST_IMAGE]);
  tctop('load', '-q', '-i', archive);
  tctop('run', '-d', '--network', 'none', '--name', name, TEST_IMAGE, 'sleep', '3600');

  // wide enough for the status line `tctop stop <64-hex ID>: done` after the filter text
  const d = new TmuxDashboard([], { width: 160, height: 40 }, { TCTOP_ROOT: root });
  t.after(() => d.close());
  await d.waitFor(
    (s) => s.split('\n').some((l) => l.includes(name) && /\btctop\b/.test(l) && /running/.test(l)),
    15_000,
    'own container listed',
  );
  d.keys('/');
  d.type(name);
  d.keys('Enter');
  await d.waitFor((s) => s.includes(name) && /1\/\d+ containers/.test(s), 5000, 'filtered');
  d.keys('x');
  await d.waitFor(/stop .* y\/n/, 5000);
  d.keys('n');
  await d.waitFor(/stop cancelled/, 5000);
  d.keys('x');
  await d.waitFor(/stop .* y\/n/, 5000);
  d.keys('y');
  await d.waitFor(
    (s) => /tctop stop .*: done/.test(s) && !s.split('\n').some((l) => l.includes(name) && /running/.test(l)),
    30_000,
    'stopped and gone from the running list',
  );
  const listed = sh(process.execPath, ['bin/tctop', 'ps', '--runtime', 'tctop'], { env });
  assert.ok(!listed.includes(name), `no longer running:\n${listed}`);
  d.keys('q');
  assert.equal(await d.waitExit(), 0);
});
