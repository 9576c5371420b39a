// tctop pull against the real distribution registry (Debian's docker-registry on 127.0.0.1), images put there by
// real `docker push` or crafted here over the API: layers, progress output, run, manifest lists / OCI indexes, and
// the refusals (corrupt blob on the registry's disk, unknown image or platform, registry down, interrupted pull).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';
import { pullImage } from '../../src/engine/registry/pull.js';
import { resolveImage } from '../../src/engine/images/index.js';
import { missing, sh } from '../helpers/prereq.js';
import {
  blobPath,
  buildFiveLayerImage,
  freePort,
  registryMissing,
  startRegistry,
  tctop,
  tempDir,
  type Registry,
} from './registry-harness.js';
import { getBlob, getManifest, putManifest, sha256, stallingProxy, uploadBlob } from './registry-wire.js';

let shared: Promise<Registry> | undefined;
after(async () => {
  if (shared) await (await shared).stop();
});

function registry(): Promise<Registry> {
  shared ??= startRegistry();
  return shared;
}

function dockerPush(t: TestContext, source: string, target: string): void {
  sh('docker', ['tag', source, target]);
  t.after(() => void spawnSync('docker', ['rmi', target], { stdio: 'ignore' }));
  sh('docker', ['push', '-q', target], { timeoutMs: 120_000 });
}

function registered(root: string): Record<string, string> {
  const file = join(root, 'images/repositories.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

function storedLayers(root: string): string[] {
  const dir = join(root, 'images/layers/sha256');
  return existsSync(dir) ? readdirSync(dir) : [];
}

function leftovers(root: string): string[] {
  const dir = join(root, 'images/tmp');
  return existsSync(dir) ? readdirSync(dir) : [];
}

test("docker push, then tctop pull of a 5-layer image: docker's image ID, per-layer lines, and tctop run runs it", async (t) => {
  if (registryMissing(t)) return;
  const reg = await registry();
  const local = `tctop-test/five-layers:${process.pid}`;
  buildFiveLayerImage(local);
  t.after(() => void spawnSync('docker', ['rmi', local], { stdio: 'ignore' }));
  const remote = `${reg.host}/five:latest`;
  dockerPush(t, local, remote);
  const root = tempDir(t, 'tctop-pull-store-');
  const r = tctop(root, ['pull', remote]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'latest: Pulling from five');
  // a line per layer and status (registry-pull-progress.test.ts has their order); each layer ends complete
  const layerLines = lines.filter((l) => /^[0-9a-f]{12}: Pull complete$/.test(l));
  assert.equal(new Set(layerLines).size, 5, r.stdout);
  assert.equal(layerLines.length, 5, r.stdout);
  const manifest = await getManifest(reg.host, 'five', 'latest');
  assert.equal(lines.at(-3), `Digest: ${sha256(manifest.bytes)}`);
  assert.equal(lines.at(-2), `Status: Downloaded newer image for ${remote}`);
  assert.equal(lines.at(-1), remote);
  const dockerId = sh('docker', ['image', 'inspect', '--format', '{{.Id}}', local]).trim();
  assert.equal(registered(root)[remote], dockerId);
  assert.equal(storedLayers(root).length, 5);
  assert.deepEqual(leftovers(root), []);
  const run = tctop(root, ['run', '--rm', '--network', 'none', remote]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, '1\n4\n');
  // a second pull fetches nothing and says so
  const again = tctop(root, ['pull', remote]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.stdout.split('\n').filter((l) => l.endsWith(': Already exists')).length, 5);
  assert.match(again.stdout, new RegExp(`Status: Image is up to date for ${remote.replace(/[.]/g, '\\.')}`));
  // by digest: no tag is registered (docker shows <none>), the image is the same
  const byDigest = tctop(tempDir(t, 'tctop-pull-store-'), ['pull', `${reg.host}/five@${sha256(manifest.bytes)}`]);
  assert.equal(byDigest.status, 0, byDigest.stderr);
  assert.match(byDigest.stdout, /Status: Downloaded newer image for 127\.0\.0\.1:\d+\/five@sha256:/);
});

test('a layer already in the store (from load) is not fetched again', async (t) => {
  if (registryMissing(t)) return;
  const reg = await registry();
  const remote = `${reg.host}/shared-busybox:v1`;
  dockerPush(t, 'tctop-test/busybox:latest', remote);
  const root = tempDir(t, 'tctop-pull-store-');
  const archive = join(tempDir(t, 'tctop-pull-store-'), 'bb.tar');
  sh('docker', ['save', '-o', archive, 'tctop-test/busybox:latest']);
  assert.equal(tctop(root, ['load', '-q', '-i', archive]).status, 0);
  const r = tctop(root, ['pull', remote]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^[0-9a-f]{12}: Already exists$/m);
  assert.doesNotMatch(r.stdout, /Pull complete/);
  assert.equal(registered(root)[remote], registered(root)['tctop-test/busybox:latest']);
});

test('on a terminal, pull redraws per-layer progress in place', async (t) => {
  if (registryMissing(t) || missing(t, existsSync('/usr/bin/script'), 'script(1)')) return;
  const reg = await registry();
  const remote = `${reg.host}/tty-busybox:latest`;
  dockerPush(t, 'tctop-test/busybox:latest', remote);
  const root = tempDir(t, 'tctop-pull-store-');
  const r = spawnSync('script', ['-qec', `${process.execPath} bin/tctop pull ${remote}`, '/dev/null'], {
    encoding: 'utf8',
    env: { ...process.env, TCTOP_ROOT: root },
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /Pulling fs layer/);
  assert.match(r.stdout, /\x1b\[\d+A\x1b\[2K\r[0-9a-f]{12}: (Downloading \[=*>? *\]|Pull complete)/);
  assert.match(r.stdout, /Status: Downloaded newer image/);
});

/** A one-layer image for `architecture`, its layer a tar holding /platform; returns the manifest descriptor. */
async function craftImage(
  host: string,
  repo: string,
  architecture: string,
): Promise<{ mediaType: string; digest: string; size: number; configDigest: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-craft-'));
  try {
    mkdirSync(join(dir, 'rootfs'));
    writeFileSync(join(dir, 'rootfs/platform'), `${architecture}\n`);
    sh('tar', ['-C', join(dir, 'rootfs'), '--owner=0', '--group=0', '-cf', join(dir, 'layer.tar'), '.']);
    const tar = readFileSync(join(dir, 'layer.tar'));
    const blob = gzipSync(tar);
    const layerDigest = await uploadBlob(host, repo, blob);
    const config = Buffer.from(
      JSON.stringify({ architecture, os: 'linux', config: { Cmd: ['/platform'] }, rootfs: { type: 'layers', diff_ids: [sha256(tar)] } }),
    );
    const configDigest = await uploadBlob(host, repo, config);
    const mediaType = 'application/vnd.oci.image.manifest.v1+json';
    const manifest = {
      schemaVersion: 2,
      mediaType,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: blob.length }],
    };
    const put = await putManifest(host, repo, sha256(JSON.stringify(manifest)), manifest, mediaType);
    return { mediaType, ...put, configDigest };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('an OCI index and a Docker manifest list with two platforms: linux/amd64 by default, --platform picks, an unknown platform is refused', async (t) => {
  if (registryMissing(t)) return;
  const reg = await registry();
  const amd = await craftImage(reg.host, 'multi', 'amd64');
  const arm = await craftImage(reg.host, 'multi', 'arm64');
  const entries = [
    { mediaType: amd.mediaType, digest: amd.digest, size: amd.size, platform: { os: 'linux', architecture: 'amd64' } },
    { mediaType: arm.mediaType, digest: arm.digest, size: arm.size, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
  ];
  const oci = 'application/vnd.oci.image.index.v1+json';
  const list = 'application/vnd.docker.distribution.manifest.list.v2+json';
  const index = await putManifest(reg.host, 'multi', 'oci', { schemaVersion: 2, mediaType: oci, manifests: entries }, oci);
  await putManifest(reg.host, 'multi', 'list', { schemaVersion: 2, mediaType: list, manifests: entries }, list);
  for (const tag of ['oci', 'list']) {
    const root = tempDir(t, 'tctop-pull-store-');
    const ref = `${reg.host}/multi:${tag}`;
    const byDefault = tctop(root, ['pull', ref]);
    assert.equal(byDefault.status, 0, byDefault.stderr);
    assert.equal(registered(root)[ref], amd.configDigest);
    const arm64Root = tempDir(t, 'tctop-pull-store-');
    const picked = tctop(arm64Root, ['pull', '--platform', 'linux/arm64', ref]);
    assert.equal(picked.status, 0, picked.stderr);
    assert.equal(registered(arm64Root)[ref], arm.configDigest);
    const layer = storedLayers(arm64Root)[0];
    assert.equal(readFileSync(join(arm64Root, 'images/layers/sha256', layer, 'root/platform'), 'utf8'), 'arm64\n');
    if (tag === 'oci') assert.match(byDefault.stdout, new RegExp(`^Digest: ${index.digest}$`, 'm'));
    const unknown = tctop(tempDir(t, 'tctop-pull-store-'), ['pull', '--platform', 'linux/s390x', ref]);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /^tctop: .*has no image for platform linux\/s390x \(it offers linux\/amd64, linux\/arm64\/v8\)\n$/);
  }
  const bad = tctop(tempDir(t, 'tctop-pull-store-'), ['pull', '--platform', 'amd64', `${reg.host}/multi:oci`]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /invalid platform "amd64"/);
});

test("a blob corrupted on the registry's disk is refused by its digest and nothing is registered", async (t) => {
  if (registryMissing(t)) return;
  const reg = await startRegistry(); // its own storage: the corruption must not reach the other tests
  t.after(() => reg.stop());
  const remote = `${reg.host}/corrupt:latest`;
  dockerPush(t, 'tctop-test/busybox:latest', remote);
  const manifest = JSON.parse((await getManifest(reg.host, 'corrupt', 'latest')).bytes.toString());
  const layerDigest: string = manifest.layers[0].digest;
  const file = blobPath(reg, layerDigest);
  const bytes = readFileSync(file);
  bytes[Math.floor(bytes.length / 2)] ^= 0xff;
  writeFileSync(file, bytes);
  assert.notEqual(sha256(await getBlob(reg.host, 'corrupt', layerDigest)), layerDigest, 'the registry serves the corrupt bytes');
  const root = tempDir(t, 'tctop-pull-store-');
  const r = tctop(root, ['pull', remote]);
  assert.equal(r.status, 1, r.stdout);
  assert.match(
    r.stderr,
    new RegExp(
      `^tctop: refusing layer 1 \\(${layerDigest.slice(0, 19)}\\) of 127\\.0\\.0\\.1:\\d+/corrupt: its content does not match its digest \\(expected ${layerDigest}, content is sha256:[0-9a-f]{64}\\)\\n$`,
    ),
  );
  assert.deepEqual(registered(root), {});
  assert.deepEqual(storedLayers(root), []);
  assert.deepEqual(leftovers(root), []);
});

test('unknown image, registry down: one-line errors, exit 1, nothing registered', async (t) => {
  if (registryMissing(t)) return;
  const reg = await registry();
  const root = tempDir(t, 'tctop-pull-store-');
  const unknown = tctop(root, ['pull', `${reg.host}/no-such-image:v9`]);
  assert.equal(unknown.status, 1);
  assert.equal(unknown.stderr, `tctop: pull ${reg.host}/no-such-image:v9: manifest unknown (no such image or tag in the registry)\n`);
  const port = await freePort();
  const down = tctop(root, ['pull', `127.0.0.1:${port}/anything`]);
  assert.equal(down.status, 1);
  assert.equal(down.stderr, `tctop: cannot reach registry 127.0.0.1:${port}: connection refused (is the registry running?)\n`);
  const badRef = tctop(root, ['pull', 'UPPER/case']);
  assert.equal(badRef.status, 2);
  assert.match(badRef.stderr, /^tctop: invalid image reference "UPPER\/case"/);
  assert.deepEqual(registered(root), {});
  assert.deepEqual(leftovers(root), []);
});

test('a pull interrupted mid-transfer (SIGTERM, SIGKILL) registers nothing and leaves nothing behind', async (t) => {
  if (registryMissing(t)) return;
  const reg = await registry();
  // one 8 MiB layer of random bytes, served through a proxy that stops after 2 MiB
  const dir = mkdtempSync(join(tmpdir(), 'tctop-big-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'rootfs'));
  sh('sh', ['-c', `head -c ${8 << 20} /dev/urandom > ${join(dir, 'rootfs/big.bin')}`]);
  sh('tar', ['-C', join(dir, 'rootfs'), '-cf', join(dir, 'layer.tar'), '.']);
  const tar = readFileSync(join(dir, 'layer.tar'));
  const layer = await uploadBlob(reg.host, 'big', tar);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(tar)] } }));
  const configDigest = await uploadBlob(reg.host, 'big', config);
  const mt = 'application/vnd.docker.distribution.manifest.v2+json';
  await putManifest(
    reg.host,
    'big',
    'latest',
    {
      schemaVersion: 2,
      mediaType: mt,
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar', digest: layer, size: tar.length }],
    },
    mt,
  );
  const proxy = await stallingProxy(reg.port, 2 << 20);
  t.after(() => proxy.close());
  const root = tempDir(t, 'tctop-pull-store-');
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    const child = spawn(process.execPath, ['bin/tctop', 'pull', `127.0.0.1:${proxy.port}/big`], {
      env: { ...process.env, TCTOP_ROOT: root },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const deadline = Date.now() + 20_000;
    while (proxy.forwarded() < 2 << 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(proxy.forwarded() >= 2 << 20, 'the transfer reached the stall');
    await new Promise((r) => setTimeout(r, 200)); // the bytes reach the staging dir
    if (signal === 'SIGTERM') assert.notDeepEqual(leftovers(root), [], 'the pull was staging when stopped');
    child.kill(signal);
    await exited;
    assert.deepEqual(registered(root), {});
    assert.deepEqual(storedLayers(root), []);
    if (signal === 'SIGTERM') assert.deepEqual(leftovers(root), [], 'SIGTERM cleans its staging dir before dying');
    await proxy.close().catch(() => {});
  }
  // SIGKILL left a staging dir of a dead process: the next pull removes it and finishes the job
  const r = tctop(root, ['pull', `${reg.host}/big`]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(leftovers(root), []);
  assert.equal(registered(root)[`${reg.host}/big:latest`], configDigest);
});

test('pullImage() without the CLI (as build calls it for a missing FROM): silent, returns the image, same store rules', async (t) => {
  if (registryMissing(t)) return;
  const reg = await registry();
  const remote = `${reg.host}/library-call:v3`;
  dockerPush(t, 'tctop-test/busybox:latest', remote);
  const root = tempDir(t, 'tctop-pull-store-');
  const pulled = await pullImage(remote, { root });
  assert.equal(pulled.ref, remote);
  assert.equal(pulled.canonical, remote);
  assert.equal(pulled.upToDate, false);
  assert.match(pulled.digest, /^sha256:[0-9a-f]{64}$/);
  assert.equal(resolveImage(root, remote).id, pulled.id);
  assert.equal((await pullImage(remote, { root })).upToDate, true);
  await assert.rejects(pullImage(`${reg.host}/library-call:missing`, { root }), /manifest unknown/);
  await assert.rejects(pullImage(remote, { root, platform: 'linux/riscv64' }), /not the requested platform linux\/riscv64/);
});
