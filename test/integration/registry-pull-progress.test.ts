// docker's pull progress for a 5-layer image from Debian's docker-registry on loopback: without a terminal one line
// per layer and status, in docker's order (Pulling fs layer, Waiting beyond the 3 connections, Downloading, Verifying
// Checksum, Download complete, Extracting, Pull complete); on a terminal (a real tmux) one line per layer redrawn in
// place, ending with every layer's "Pull complete".
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, test, type TestContext } from 'node:test';
import { missing, sh } from '../helpers/prereq.js';
import { buildFiveLayerImage, registryMissing, startRegistry, tctop, tempDir, type Registry } from './registry-harness.js';
import { getManifest } from './registry-wire.js';
import { TmuxDashboard, tmuxAvailable } from './tui-harness.js';

let shared: Promise<{ reg: Registry; remote: string; layers: string[] }> | undefined;
const local = `tctop-test/five-progress:${process.pid}`;
after(async () => {
  if (!shared) return;
  const { reg, remote } = await shared;
  spawnSync('docker', ['rmi', remote, local], { stdio: 'ignore' });
  await reg.stop();
});

/** One registry holding a 5-layer image docker pushed; the layers' short IDs in manifest order. */
function fiveLayers(): Promise<{ reg: Registry; remote: string; layers: string[] }> {
  shared ??= (async () => {
    const reg = await startRegistry();
    buildFiveLayerImage(local);
    const remote = `${reg.host}/progress:v1`;
    sh('docker', ['tag', local, remote]);
    sh('docker', ['push', '-q', remote], { timeoutMs: 120_000 });
    const manifest = JSON.parse((await getManifest(reg.host, 'progress', 'v1')).bytes.toString());
    return { reg, remote, layers: manifest.layers.map((l: { digest: string }) => l.digest.slice(7, 19)) };
  })();
  return shared;
}

const STEPS = ['Downloading', 'Verifying Checksum', 'Download complete', 'Extracting', 'Pull complete'];

test("without a terminal: a line per layer and status, in docker's order", async (t: TestContext) => {
  if (registryMissing(t)) return;
  const { remote, layers } = await fiveLayers();
  const r = tctop(tempDir(t, 'tctop-pull-store-'), ['pull', remote]);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /[\x1b\r]/, 'no terminal control');
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'v1: Pulling from progress');
  const layerLines = lines.filter((l) => /^[0-9a-f]{12}: /.test(l));
  // every layer announced first, in manifest order, then the two beyond the three connections wait
  assert.deepEqual(layerLines.slice(0, 7), [
    ...layers.map((id) => `${id}: Pulling fs layer`),
    `${layers[3]}: Waiting`,
    `${layers[4]}: Waiting`,
  ]);
  for (const [i, id] of layers.entries()) {
    const own = layerLines.filter((l) => l.startsWith(`${id}: `)).map((l) => l.slice(14));
    assert.deepEqual(own, ['Pulling fs layer', ...(i >= 3 ? ['Waiting'] : []), ...STEPS], `layer ${id}:\n${r.stdout}`);
  }
  assert.equal(layerLines.length, 5 * 6 + 2);
  assert.match(lines.at(-2) ?? '', /^Status: Downloaded newer image for /);
});

test('on a terminal: each layer keeps one line, redrawn in place, ending "Pull complete"', async (t: TestContext) => {
  if (registryMissing(t) || missing(t, tmuxAvailable(), 'tmux')) return;
  const { remote, layers } = await fiveLayers();
  const root = tempDir(t, 'tctop-pull-store-');
  const pane = new TmuxDashboard(['pull', remote], { width: 160, height: 40 }, { TCTOP_ROOT: root });
  t.after(() => pane.close());
  assert.equal(await pane.waitExit(120_000), 0, pane.screen());
  const screen = pane
    .screen()
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean);
  assert.equal(screen[0], 'v1: Pulling from progress');
  assert.deepEqual(
    screen.slice(1, 6),
    layers.map((id) => `${id}: Pull complete`),
    screen.join('\n'),
  );
  assert.match(screen[6], /^Digest: sha256:[0-9a-f]{64}$/);
  assert.equal(screen[7], `Status: Downloaded newer image for ${remote}`);
  assert.equal(screen[8], remote);
  // and it did draw progress on the way: a second pull into a fresh store, its raw bytes captured by script(1)
  if (missing(t, spawnSync('sh', ['-c', 'command -v script'], { stdio: 'ignore' }).status === 0, 'script(1)')) return;
  const raw = spawnSync('script', ['-qec', `${process.execPath} bin/tctop pull ${remote}`, '/dev/null'], {
    encoding: 'utf8',
    env: { ...process.env, TCTOP_ROOT: tempDir(t, 'tctop-pull-store-') },
    timeout: 120_000,
  });
  assert.equal(raw.status, 0, raw.stdout);
  for (const status of ['Waiting', 'Verifying Checksum', 'Download complete', 'Pull complete'])
    assert.match(raw.stdout, new RegExp(`\\x1b\\[\\d+A\\x1b\\[2K\\r[0-9a-f]{12}: ${status}\\x1b`), status);
  assert.match(raw.stdout, /\x1b\[\d+A\x1b\[2K\r[0-9a-f]{12}: (Downloading|Extracting) \[=*>? *\] +[\d.]+[kM]?B\/[\d.]+[kM]?B/);
});
