// The dashboard's rootfs pane in a real tmux over a real Docker container: the image layer's digest (as docker
// image inspect names it), the upper dir docker inspect names and its size once walked, the -v bind mount's host
// source.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { dockerAvailable, dockerRm, dockerRun, testImagePresent } from '../helpers/docker.js';
import { isRoot, missing, sh } from '../helpers/prereq.js';
import { TmuxDashboard, tmuxAvailable } from './tui-harness.js';

const name = `tui-rootfs-${Math.random().toString(36).slice(2, 6)}`;
const ready = tmuxAvailable() && isRoot() && dockerAvailable() && testImagePresent();
const bindDir = mkdtempSync(join(tmpdir(), `${name}-`));
let dashboard: TmuxDashboard | undefined;

before(() => {
  if (ready) dockerRun(name, ['--pull', 'never', '--network', 'none', '-v', `${bindDir}:/data:ro`], ['sleep', '600']);
});

after(() => {
  dashboard?.close();
  dockerRm(name);
  rmSync(bindDir, { recursive: true, force: true });
});

test('the detail view shows the lower layers with digests, the upper dir and its size, and bind sources', async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  const upper = JSON.parse(sh('docker', ['inspect', '-f', '{{json .GraphDriver.Data.UpperDir}}', name])) as string;
  const diffIds = JSON.parse(sh('docker', ['image', 'inspect', '-f', '{{json .RootFS.Layers}}', 'tctop-test/busybox'])) as string[];
  const d = (dashboard = new TmuxDashboard([], { width: 200, height: 80 }));
  await d.waitFor((s) => s.includes(name), 60_000, 'container listed');
  d.keys('/');
  d.type(name);
  d.keys('Enter');
  await d.waitFor((s) => s.includes(name) && /1\/\d+ containers/.test(s), 5000, 'filtered to the container');
  d.keys('Enter');
  // the size shows once the background walk of the upper dir has finished (a tick or two)
  const s = await d.waitFor(
    (x) => x.includes('Root filesystem') && new RegExp(`upper +${upper} +\\d+(\\.\\d)?(B|KiB)`).test(x),
    20_000,
    'the rootfs pane with the upper dir measured',
  );
  assert.match(s, /overlay +2 lower layer\(s\), top-most first/);
  assert.match(s, /lower +\(docker's init layer: .*-init\/diff/);
  assert.match(s, new RegExp(`lower +${diffIds[0].slice(0, 'sha256:'.length + 12)} +/var/lib/docker/overlay2/[0-9a-f]{64}/diff`));
  assert.match(s, new RegExp(`bind +/data <- ${bindDir} \\(ro\\)`));
  assert.match(s, /bind +\/etc\/hosts <- \/var\/lib\/docker\/containers\//);
  d.keys('q');
  assert.equal(await d.waitExit(), 0);
});
