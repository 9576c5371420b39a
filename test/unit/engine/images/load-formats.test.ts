// docker save (classic and docker 25+), OCI image layouts (plain and gzip layers), stdin, shared layers, leftovers.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { listImages, loadArchive, resolveImage } from '../../../../src/engine/images/index.js';
import { buildTar, dockerSaveArchive, gzip, ociArchive, sha256 } from './tar-builder.js';
import { storeFiles, tempRoot, writeTemp } from './store-fixture.js';

const base = buildTar([
  { path: 'bin/', type: 'dir' },
  { path: 'bin/sh', content: 'sh', mode: 0o755 },
  { path: 'etc/', type: 'dir' },
  { path: 'etc/motd', content: 'hello' },
]);
const top = buildTar([
  { path: 'etc/', type: 'dir' },
  { path: 'etc/.wh.motd', content: '' },
  { path: 'app', content: 'app' },
]);

test('a classic docker save archive loads: tags, config, layers lowest first, contract layout', async (t) => {
  const root = tempRoot(t);
  const loaded = await loadArchive(
    root,
    writeTemp(t, 'save.tar', dockerSaveArchive([base, top], ['example/app:1', 'docker.io/library/app:2'])),
  );
  assert.equal(loaded.length, 1);
  assert.deepEqual(loaded[0].refs, ['example/app:1', 'app:2']);
  const image = resolveImage(root, 'example/app:1');
  assert.equal(image.id, loaded[0].id);
  assert.deepEqual(image.refs, ['app:2', 'example/app:1']);
  assert.deepEqual(image.config, { Env: ['PATH=/bin'], Cmd: ['sh'], WorkingDir: '/w' });
  assert.deepEqual(
    image.layerDirs,
    [sha256(base), sha256(top)].map((d) => join(root, 'images/layers/sha256', d.slice(7), 'root')),
  );
  assert.equal(readFileSync(join(image.layerDirs[0], 'etc/motd'), 'utf8'), 'hello');
  assert.ok(existsSync(join(root, 'images/configs/sha256', `${image.id.slice(7)}.json`)));
  const meta = JSON.parse(readFileSync(join(root, 'images/layers/sha256', sha256(base).slice(7), 'meta.json'), 'utf8'));
  assert.equal(meta.diffId, sha256(base));
  const repos = JSON.parse(readFileSync(join(root, 'images/repositories.json'), 'utf8'));
  assert.deepEqual(repos, { 'app:2': image.id, 'example/app:1': image.id });
  assert.deepEqual(
    storeFiles(root).filter((f) => f.startsWith('tmp/')),
    [],
    'staging is cleaned up',
  );
});

test('the docker 25+ save format (OCI layout + manifest.json) loads, from stdin too', async (t) => {
  const root = tempRoot(t);
  const archive = ociArchive([{ tar: base }, { tar: top }], {
    dockerManifest: ['new/format:latest'],
    imageName: 'docker.io/new/format:latest',
    refName: 'latest',
  });
  const loaded = await loadArchive(root, Readable.from([archive]));
  assert.deepEqual(loaded[0].refs, ['new/format:latest']);
  assert.equal(resolveImage(root, 'new/format').layerDirs.length, 2);
});

test('an OCI image layout with gzip layers loads; names come from annotations; a bare ref.name leaves it untagged', async (t) => {
  const root = tempRoot(t);
  const named = await loadArchive(
    root,
    writeTemp(
      t,
      'oci.tar',
      ociArchive(
        [
          { tar: base, gzip: true },
          { tar: top, gzip: true },
        ],
        { imageName: 'docker.io/library/oci:3', refName: '3' },
      ),
    ),
  );
  assert.deepEqual(named[0].refs, ['oci:3']);
  const image = resolveImage(root, 'oci:3');
  assert.equal(readFileSync(join(image.layerDirs[1], 'app'), 'utf8'), 'app');
  const refOnly = await loadArchive(root, writeTemp(t, 'oci2.tar', ociArchive([{ tar: base }], { refName: 'registry.local:5000/x/y:v1' })));
  assert.deepEqual(refOnly[0].refs, ['registry.local:5000/x/y:v1']);
  const bare = await loadArchive(root, writeTemp(t, 'oci3.tar.gz', gzip(ociArchive([{ tar: top, gzip: true }], { refName: 'latest' }))));
  assert.deepEqual(bare[0].refs, []);
  assert.ok(listImages(root).some((i) => i.id === bare[0].id && i.refs.length === 0));
});

test('layers are shared between images and stored once', async (t) => {
  const root = tempRoot(t);
  await loadArchive(root, writeTemp(t, 'a.tar', dockerSaveArchive([base], ['a:1'])));
  await loadArchive(root, writeTemp(t, 'b.tar', dockerSaveArchive([base, top], ['b:1'])));
  const layers = storeFiles(root).filter((f) => f.endsWith('meta.json'));
  assert.equal(layers.length, 2);
  assert.equal(resolveImage(root, 'a:1').layerDirs[0], resolveImage(root, 'b:1').layerDirs[0]);
});

test('a load interrupted earlier (staging of a dead process) is cleaned up by the next one', async (t) => {
  const root = tempRoot(t);
  const stale = join(root, 'images/tmp/999999999-deadbeef/layers/0/root');
  mkdirSync(stale, { recursive: true });
  await loadArchive(root, writeTemp(t, 'a.tar', dockerSaveArchive([base], ['a:1'])));
  assert.equal(existsSync(join(root, 'images/tmp/999999999-deadbeef')), false);
});

test('an archive that is neither format is refused', async (t) => {
  const root = tempRoot(t);
  await assert.rejects(
    loadArchive(root, writeTemp(t, 'x.tar', buildTar([{ path: 'hello', content: 'x' }]))),
    /neither a docker save archive/,
  );
  await assert.rejects(loadArchive(root, join(root, 'missing.tar')), /no such file/);
  assert.deepEqual(storeFiles(root), []);
});
