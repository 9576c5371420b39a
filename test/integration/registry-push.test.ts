// tctop push to the real distribution registry, and real docker pulling and running what tctop pushed: blobs the
// registry has are not sent again, a known blob is mounted across repositories, a re-push gives the same digest.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { sh } from '../helpers/prereq.js';
import { dockerRmi, freePort, registryMissing, startRegistry, tctop, tempDir, type Registry } from './registry-harness.js';
import { getManifest, sha256 } from './registry-wire.js';

let shared: Promise<Registry> | undefined;
after(async () => {
  if (shared) await (await shared).stop();
});

function registry(): Promise<Registry> {
  shared ??= startRegistry();
  return shared;
}

/** The busybox test image, saved by docker under `ref` and loaded into a fresh tctop store (docker keeps no copy). */
function loadedStore(t: TestContext, ref: string): string {
  const root = tempDir(t, 'tctop-push-store-');
  const archive = join(tempDir(t, 'tctop-push-save-'), 'image.tar');
  sh('docker', ['tag', 'tctop-test/busybox:latest', ref]);
  sh('docker', ['save', '-o', archive, ref]);
  sh('docker', ['rmi', ref]);
  const load = tctop(root, ['load', '-i', archive]);
  assert.equal(load.status, 0, load.stderr);
  return root;
}

test('tctop push of a loaded image: docker pull and docker run it; a re-push sends nothing and gives the same digest; another repository mounts', async (t) => {
  if (registryMissing(t)) return;
  const reg = await registry();
  const ref = `${reg.host}/pushed:v1`;
  const other = `${reg.host}/pushed-again:v1`;
  dockerRmi(t, ref, other);
  const root = loadedStore(t, ref);
  const r = tctop(root, ['push', ref]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], `The push refers to repository [${reg.host}/pushed]`);
  assert.match(lines[1], /^[0-9a-f]{12}: Pushed$/);
  const manifest = await getManifest(reg.host, 'pushed', 'v1');
  assert.equal(manifest.type, 'application/vnd.docker.distribution.manifest.v2+json');
  assert.equal(lines.at(-1), `v1: digest: ${sha256(manifest.bytes)} size: ${manifest.bytes.length}`);
  const doc = JSON.parse(manifest.bytes.toString());
  assert.equal(doc.layers[0].mediaType, 'application/vnd.docker.image.rootfs.diff.tar.gzip');

  const again = tctop(root, ['push', ref]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /^[0-9a-f]{12}: Layer already exists$/m);
  assert.equal(again.stdout.trimEnd().split('\n').at(-1), lines.at(-1), 'the same bytes, the same digest');

  sh('docker', ['tag', 'tctop-test/busybox:latest', other]);
  const archive = join(tempDir(t, 'tctop-push-save-'), 'other.tar');
  sh('docker', ['save', '-o', archive, other]);
  sh('docker', ['rmi', other]);
  assert.equal(tctop(root, ['load', '-q', '-i', archive]).status, 0);
  const mounted = tctop(root, ['push', other]);
  assert.equal(mounted.status, 0, mounted.stderr);
  assert.match(mounted.stdout, /^[0-9a-f]{12}: Mounted from pushed$/m);

  const pull = spawnSync('docker', ['pull', ref], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(pull.status, 0, pull.stderr);
  assert.match(pull.stdout, new RegExp(`Digest: ${sha256(manifest.bytes)}`));
  const run = spawnSync('docker', ['run', '--rm', '--pull', 'never', ref, 'sh', '-c', 'echo pushed by tctop; ls /bin/busybox'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'pushed by tctop\n/bin/busybox\n');
  assert.equal(
    sh('docker', ['image', 'inspect', '--format', '{{.Id}}', ref]).trim(),
    JSON.parse(tctop(root, ['images', '--json']).stdout)[0].id,
  );
});

test('tctop push of an imported rootfs; docker runs it with the imported CMD', async (t) => {
  if (registryMissing(t)) return;
  const reg = await registry();
  const ref = `${reg.host}/imported:latest`;
  dockerRmi(t, ref);
  const work = tempDir(t, 'tctop-push-rootfs-');
  const rootfs = join(work, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'bin/busybox'));
  for (const applet of ['sh', 'echo', 'cat']) symlinkSync('busybox', join(rootfs, 'bin', applet));
  writeFileSync(join(rootfs, 'hello'), 'hello from an imported rootfs\n');
  sh('tar', ['-C', rootfs, '--owner=0', '--group=0', '-czf', join(work, 'rootfs.tar.gz'), '.']);
  const root = tempDir(t, 'tctop-push-store-');
  assert.equal(tctop(root, ['import', '-c', 'CMD ["/bin/cat", "/hello"]', join(work, 'rootfs.tar.gz'), ref]).status, 0);
  const r = tctop(root, ['push', ref]);
  assert.equal(r.status, 0, r.stderr);
  sh('docker', ['pull', '-q', ref]);
  const run = spawnSync('docker', ['run', '--rm', '--pull', 'never', ref], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'hello from an imported rootfs\n');
});

test('a pulled image pushed elsewhere keeps its blobs byte for byte: the same manifest digest as the source', async (t) => {
  if (registryMissing(t)) return;
  const reg = await registry();
  const source = `${reg.host}/origin:v1`;
  const copy = `${reg.host}/copy:v1`;
  dockerRmi(t, source);
  sh('docker', ['tag', 'tctop-test/busybox:latest', source]);
  sh('docker', ['push', '-q', source]);
  const root = tempDir(t, 'tctop-push-store-');
  assert.equal(tctop(root, ['pull', '-q', source]).status, 0);
  // a store tag under the new name, written as `tctop tag` would (the tag command is another helper's)
  const reposFile = join(root, 'images/repositories.json');
  const repos = JSON.parse(sh('cat', [reposFile]));
  repos[copy] = repos[source];
  writeFileSync(reposFile, JSON.stringify(repos));
  const r = tctop(root, ['push', copy]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^[0-9a-f]{12}: Mounted from origin$/m);
  const a = await getManifest(reg.host, 'origin', 'v1');
  assert.equal(r.stdout.trimEnd().split('\n').at(-1), `v1: digest: ${sha256(a.bytes)} size: ${a.bytes.length}`);
});

test('push refusals: an image not in the store, a digest, a registry that is down', async (t) => {
  if (registryMissing(t)) return;
  const root = tempDir(t, 'tctop-push-store-');
  const none = tctop(root, ['push', '127.0.0.1:5999/nothing:here']);
  assert.equal(none.status, 1);
  assert.equal(none.stderr, 'tctop: push 127.0.0.1:5999/nothing:here: no such image in the store (tag one first)\n');
  const digest = tctop(root, ['push', `127.0.0.1:5999/x@sha256:${'a'.repeat(64)}`]);
  assert.equal(digest.status, 2);
  const port = await freePort();
  const ref = `127.0.0.1:${port}/down:v1`;
  dockerRmi(t, ref);
  const loaded = loadedStore(t, ref);
  const down = tctop(loaded, ['push', ref]);
  assert.equal(down.status, 1);
  assert.equal(down.stderr, `tctop: cannot reach registry 127.0.0.1:${port}: connection refused (is the registry running?)\n`);
  assert.ok(!existsSync(join(loaded, 'images/tmp')) || sh('ls', [join(loaded, 'images/tmp')]) === '');
});

test('a stored blob that no longer matches its digest: the registry refuses the upload, push fails naming it', async (t) => {
  if (registryMissing(t)) return;
  const reg = await registry();
  const ref = `${reg.host}/tampered:v1`;
  dockerRmi(t, ref);
  const root = loadedStore(t, ref);
  // the first push makes and keeps the gzip; then its bytes are changed on disk
  assert.equal(tctop(root, ['push', '-q', ref]).status, 0);
  const layers = join(root, 'images/layers/sha256');
  const [layer] = sh('ls', [layers]).trim().split('\n');
  const gz = join(layers, layer, 'push-blob.tar.gz');
  const bytes = readFileSync(gz);
  bytes[bytes.length >> 1] ^= 0xff;
  writeFileSync(gz, bytes);
  const r = tctop(root, ['push', ref]);
  assert.equal(r.status, 0, 'the registry already has the blob: nothing is sent');
  const fresh = await startRegistry();
  t.after(() => fresh.stop());
  const elsewhere = `${fresh.host}/tampered:v1`;
  const reposFile = join(root, 'images/repositories.json');
  const repos = JSON.parse(readFileSync(reposFile, 'utf8'));
  repos[elsewhere] = repos[ref];
  writeFileSync(reposFile, JSON.stringify(repos));
  const refused = tctop(root, ['push', elsewhere]);
  assert.equal(refused.status, 1);
  assert.match(
    refused.stderr,
    new RegExp(
      `^tctop: ${fresh.host}: finishing the upload of sha256:[0-9a-f]{12} \\(the registry refused its digest\\?\\) failed \\(HTTP 400: .*\\)\\n$`,
    ),
  );
});
