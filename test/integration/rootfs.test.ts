// A container's root filesystem as the host sees it, against the real runtimes: a Docker container's layers equal
// `docker inspect`'s GraphDriver and `docker image inspect`'s RootFS.Layers, its -v bind mount shows its host
// source; tctop's own container's layers are its image's diff_ids; the writable layer's size grows by what is
// written, in `inspect --size` and in container_fs_usage_bytes on a live /metrics (and in a real Prometheus).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { dockerAvailable, dockerRm, dockerRun, testImagePresent } from '../helpers/docker.js';
import { isRoot, missing, sh } from '../helpers/prereq.js';
import { engineMissing, newEngine } from './engine-harness.js';
import { startPrometheus, startServe, waitFor } from './exporter-harness.js';

const tag = `rootfs-${Math.random().toString(36).slice(2, 6)}`;
const name = `tctop-${tag}`;
const ready = isRoot() && dockerAvailable() && testImagePresent();
const bindDir = mkdtempSync(join(tmpdir(), `tctop-${tag}-bind-`));
let id = '';

before(() => {
  if (!ready) return;
  id = dockerRun(name, ['--pull', 'never', '--network', 'none', '-v', `${bindDir}:/data:ro`, '--tmpfs', '/scratch'], ['sleep', '600']);
});

after(() => {
  dockerRm(name);
  rmSync(bindDir, { recursive: true, force: true });
});

interface RootfsJson {
  kind: string;
  layers: Array<{ path: string; digest: string | null; storeId: string | null; note: string | null }>;
  upperDir: string | null;
  workDir: string | null;
  device: string | null;
  sizeRw: number | null;
  mounts: Array<{ destination: string; kind: string; source: string; readOnly: boolean }>;
}

function inspectRootfs(ref: string, extra: string[] = [], env?: NodeJS.ProcessEnv): RootfsJson {
  const out = sh(process.execPath, ['bin/tctop', 'inspect', '--json', ...extra, ref], { env });
  return (JSON.parse(out) as Array<{ rootfs: RootfsJson }>)[0].rootfs;
}

/** container_fs_usage_bytes of the container named `n` on a /metrics body, with its labels. */
function usageSample(body: string, n: string): { value: number; line: string } | undefined {
  const line = body.split('\n').find((l) => l.startsWith('container_fs_usage_bytes{') && l.includes(`name="${n}"`));
  return line ? { value: Number(line.slice(line.lastIndexOf(' ') + 1)), line } : undefined;
}

test("docker: layers are docker image inspect's RootFS.Layers, upper and work dirs GraphDriver's, -v source shown", (t) => {
  if (missing(t, ready, 'root, dockerd and the test image')) return;
  const graph = JSON.parse(sh('docker', ['inspect', '-f', '{{json .GraphDriver.Data}}', name])) as Record<string, string>;
  const diffIds = JSON.parse(sh('docker', ['image', 'inspect', '-f', '{{json .RootFS.Layers}}', 'tctop-test/busybox'])) as string[];
  const r = inspectRootfs(id);
  assert.equal(r.kind, 'overlay');
  assert.equal(r.upperDir, graph.UpperDir);
  assert.equal(r.workDir, graph.WorkDir);
  // GraphDriver's LowerDir is the same dirs, top-most first, as cache-id paths: the l/ links were followed
  assert.deepEqual(
    r.layers.map((l) => l.path),
    graph.LowerDir.split(':'),
  );
  // the top lower is docker's init layer; the rest are the image's layers, bottom first in RootFS.Layers
  assert.match(r.layers[0].note ?? '', /init layer/);
  assert.deepEqual(
    r.layers
      .slice(1)
      .map((l) => l.digest)
      .reverse(),
    diffIds,
  );
  assert.match(r.device ?? '', /^\/dev\//);
  const data = r.mounts.find((m) => m.destination === '/data');
  assert.equal(data?.kind, 'bind');
  assert.equal(data?.source, bindDir);
  assert.equal(data?.readOnly, true);
  assert.equal(r.mounts.find((m) => m.destination === '/scratch')?.kind, 'tmpfs');
  assert.ok(!r.mounts.some((m) => m.destination.startsWith('/proc') || m.destination.startsWith('/sys')));
  assert.equal(r.sizeRw, null, 'no walk without --size');

  const text = sh(process.execPath, ['bin/tctop', 'inspect', name]);
  assert.match(text, new RegExp(`Layer: +${diffIds[0]}`));
  assert.match(text, new RegExp(`/data +bind +${bindDir} +ro`));
});

test('docker: inspect --size and container_fs_usage_bytes on a live /metrics grow by what is written', async (t) => {
  if (missing(t, ready, 'root, dockerd and the test image')) return;
  const serve = await startServe(t, ['--collector.fs.interval', '1', '--max-age', '0']);
  const scrape = async () => (await fetch(`${serve.base}/metrics`)).text();
  const before = await waitFor('a first figure', 20_000, async () => usageSample(await scrape(), name));
  assert.match(before.line, /device="\/dev\/[^"]+"/);
  assert.match(before.line, new RegExp(`id="[^"]*${id}"`));
  const sizeBefore = inspectRootfs(id, ['--size']).sizeRw!;
  const n = 8 << 20;
  sh('docker', ['exec', name, 'dd', 'if=/dev/urandom', `of=/blob-${tag}`, 'bs=1M', 'count=8']);
  const sizeAfter = inspectRootfs(id, ['--size']).sizeRw!;
  assert.ok(Math.abs(sizeAfter - sizeBefore - n) < 256 * 1024, `inspect --size grew ${sizeAfter - sizeBefore}, wrote ${n}`);
  const grown = await waitFor('the walker to see the new file', 20_000, async () => {
    const s = usageSample(await scrape(), name);
    return s && s.value - before.value > n / 2 ? s : undefined;
  });
  assert.ok(Math.abs(grown.value - before.value - n) < 256 * 1024, `grew ${grown.value - before.value}, wrote ${n}`);
  const body = await scrape();
  const limit = body.split('\n').find((l) => l.startsWith('container_fs_limit_bytes{') && l.includes(`name="${name}"`));
  const [blocks, blockSize] = sh('stat', ['-f', '-c', '%b %S', graph(name).UpperDir])
    .trim()
    .split(' ')
    .map(Number);
  assert.equal(Number(limit?.slice(limit.lastIndexOf(' ') + 1)), blocks * blockSize);
  assert.match(body, new RegExp(`container_fs_inodes_free\\{[^}]*name="${name}"[^}]*\\} \\d+`));
  assert.match(body, new RegExp(`container_fs_inodes_total\\{[^}]*name="${name}"[^}]*\\} \\d+`));
});

test('docker: container_fs_usage_bytes in a real Prometheus, with its device label', async (t) => {
  if (missing(t, ready, 'root, dockerd and the test image')) return;
  // scans are shared for 5 s: on a loaded host with hundreds of containers a fresh scan may outlast the 1 s scrape timeout
  const serve = await startServe(t, ['--collector.fs.interval', '1', '--max-age', '5000']);
  const prom = await startPrometheus(t, serve.port);
  const series = await waitFor('Prometheus to scrape the series', 60_000, async () => {
    const r = await prom.query(`container_fs_usage_bytes{name="${name}"}`);
    return r.length ? r : undefined;
  }).catch(async (err: Error) => {
    const up = await prom.query('up').catch(() => []);
    const took = await prom.query('scrape_duration_seconds').catch(() => []);
    throw new Error(`${err.message}; up ${JSON.stringify(up)}, scrape took ${JSON.stringify(took)}`);
  });
  assert.ok(Number(series[0].value[1]) >= 4096, series[0].value[1]);
  assert.match(series[0].metric.device, /^\/dev\//);
  assert.ok(series[0].metric.id.includes(id), series[0].metric.id);
});

function graph(n: string): Record<string, string> {
  return JSON.parse(sh('docker', ['inspect', '-f', '{{json .GraphDriver.Data}}', n])) as Record<string, string>;
}

test("tctop's own container: layers are its image's diff_ids, the upper dir its state dir's, its usage exported", async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const ownId = e.ok(['run', '-d', '--network', 'none', '--name', `${tag}-own`, 'bb:latest', 'sleep', '600']).trim();
  const repos = JSON.parse(readFileSync(join(e.root, 'images/repositories.json'), 'utf8')) as Record<string, string>;
  const configHex = Object.values(repos)[0].replace('sha256:', '');
  const config = JSON.parse(readFileSync(join(e.root, 'images/configs/sha256', `${configHex}.json`), 'utf8')) as {
    rootfs: { diff_ids: string[] };
  };
  const r = inspectRootfs(ownId, ['--size'], e.env);
  assert.equal(r.kind, 'overlay');
  assert.deepEqual(r.layers.map((l) => l.digest).reverse(), config.rootfs.diff_ids);
  assert.equal(r.upperDir, join(e.root, 'containers', ownId, 'upper'));
  assert.ok(r.mounts.some((m) => m.destination === '/etc/hosts' && m.source === join(e.root, 'containers', ownId, 'hosts')));

  const serve = await startServe(t, ['--collector.fs.interval', '1', '--max-age', '0']);
  const scrape = async () => (await fetch(`${serve.base}/metrics`)).text();
  const before = await waitFor('a first figure', 20_000, async () => usageSample(await scrape(), `${tag}-own`));
  const n = 4 << 20;
  e.ok(['exec', ownId, 'dd', 'if=/dev/urandom', 'of=/blob', 'bs=1M', 'count=4']);
  const grown = await waitFor('the walker to see the new file', 20_000, async () => {
    const s = usageSample(await scrape(), `${tag}-own`);
    return s && s.value - before.value > n / 2 ? s : undefined;
  });
  assert.ok(Math.abs(grown.value - before.value - n) < 256 * 1024, `grew ${grown.value - before.value}, wrote ${n}`);
});
