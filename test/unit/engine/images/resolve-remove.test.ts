// Reference resolution (names, full and short IDs, ambiguity) and rmi (tags, containers using an image, layer GC).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AmbiguousError, ConflictError, NotFoundError, UsageError } from '../../../../src/errors.js';
import { listImages, loadArchive, removeImage, resolveImage } from '../../../../src/engine/images/index.js';
import { buildTar, dockerSaveArchive, imageConfig, sha256 } from './tar-builder.js';
import { storeFiles, tempRoot, writeTemp } from './store-fixture.js';

const base = buildTar([
  { path: 'bin/', type: 'dir' },
  { path: 'bin/sh', content: 'sh' },
]);
const extra = buildTar([{ path: 'extra', content: 'x' }]);

test('names resolve with the default tag, IDs by full value, sha256: form or unique prefix', async (t) => {
  const root = tempRoot(t);
  const [img] = await loadArchive(root, writeTemp(t, 'a.tar', dockerSaveArchive([base], ['web', 'web:2'])));
  const hex = img.id.slice(7);
  assert.equal(resolveImage(root, 'web').id, img.id);
  assert.equal(resolveImage(root, 'web:latest').id, img.id);
  assert.equal(resolveImage(root, 'docker.io/library/web:2').id, img.id);
  assert.equal(resolveImage(root, img.id).id, img.id);
  assert.equal(resolveImage(root, hex).id, img.id);
  assert.equal(resolveImage(root, hex.slice(0, 12)).id, img.id);
  assert.equal(resolveImage(root, `sha256:${hex.slice(0, 5)}`).id, img.id);
  assert.throws(() => resolveImage(root, 'web:3'), NotFoundError);
  assert.throws(() => resolveImage(root, 'nope'), /^Error: no such image: nope$/);
  assert.throws(() => resolveImage(root, 'Bad/Name'), UsageError);
  assert.throws(() => resolveImage(root, `${hex.slice(0, 63)}0`.replace(/.$/, hex.endsWith('0') ? '1' : '0')), NotFoundError);
});

test('an ambiguous ID prefix lists the candidates', async (t) => {
  const root = tempRoot(t);
  // two configs whose IDs share a prefix, written as the store lays them out
  const dir = join(root, 'images/configs/sha256');
  mkdirSync(dir, { recursive: true });
  const a = 'abc1' + '0'.repeat(60);
  const b = 'abc2' + '0'.repeat(60);
  for (const id of [a, b]) writeFileSync(join(dir, `${id}.json`), imageConfig([base]));
  writeFileSync(join(root, 'images/repositories.json'), JSON.stringify({ 'one:latest': `sha256:${a}` }));
  assert.throws(
    () => resolveImage(root, 'abc'),
    (err: Error) =>
      err instanceof AmbiguousError && err.message.includes('abc100000000 one:latest') && err.message.includes('abc200000000'),
  );
  assert.throws(
    () => resolveImage(root, 'abc1'),
    /incomplete: layer .* is missing/,
    'a config whose layers are absent is not a usable image',
  );
});

test('rmi by name removes only that tag while others remain, then the image and its unshared layers', async (t) => {
  const root = tempRoot(t);
  const [one] = await loadArchive(root, writeTemp(t, 'a.tar', dockerSaveArchive([base], ['one:1', 'one:2'])));
  const [two] = await loadArchive(root, writeTemp(t, 'b.tar', dockerSaveArchive([base, extra], ['two:1'])));
  assert.deepEqual(await removeImage(root, 'one:1'), { untagged: ['one:1'], layersDeleted: 0 });
  assert.deepEqual(resolveImage(root, one.id).refs, ['one:2']);
  const removed = await removeImage(root, 'two:1');
  assert.deepEqual(removed, { untagged: ['two:1'], deleted: two.id, layersDeleted: 1 });
  assert.ok(existsSync(join(root, 'images/layers/sha256', sha256(base).slice(7))), 'a layer another image uses stays');
  assert.equal(existsSync(join(root, 'images/layers/sha256', sha256(extra).slice(7))), false);
  await removeImage(root, 'one:2');
  assert.deepEqual(listImages(root), []);
  assert.deepEqual(storeFiles(root), ['repositories.json']);
});

test('rmi by ID of an image with several tags needs -f', async (t) => {
  const root = tempRoot(t);
  const [img] = await loadArchive(root, writeTemp(t, 'a.tar', dockerSaveArchive([base], ['m:1', 'm:2'])));
  await assert.rejects(
    removeImage(root, img.id.slice(7, 19)),
    (err: Error) => err instanceof ConflictError && /tagged m:1, m:2/.test(err.message),
  );
  const r = await removeImage(root, img.id.slice(7, 19), true);
  assert.deepEqual(r.untagged, ['m:1', 'm:2']);
  assert.equal(r.deleted, img.id);
});

test('rmi refuses an image a tctop container uses (state.json imageId); -f only untags it', async (t) => {
  const root = tempRoot(t);
  const [img] = await loadArchive(root, writeTemp(t, 'a.tar', dockerSaveArchive([base], ['used:1'])));
  const state = join(root, 'containers', 'c0ffee');
  mkdirSync(state, { recursive: true });
  writeFileSync(join(state, 'state.json'), JSON.stringify({ id: 'c0ffee' + '0'.repeat(58), name: 'web-1', imageId: img.id }));
  mkdirSync(join(root, 'containers', 'half-created')); // no state.json yet: ignored
  await assert.rejects(
    removeImage(root, 'used:1'),
    (err: Error) => err instanceof ConflictError && /used by container web-1 \(c0ffee000000\)/.test(err.message),
  );
  assert.equal(resolveImage(root, 'used:1').id, img.id, 'a refused rmi changes nothing');
  const forced = await removeImage(root, 'used:1', true);
  assert.deepEqual(forced, { untagged: ['used:1'], layersDeleted: 0 });
  const still = resolveImage(root, img.id);
  assert.deepEqual(still.refs, []);
  assert.ok(existsSync(still.layerDirs[0]), 'the container keeps its lowerdir');
  await assert.rejects(removeImage(root, 'nope'), NotFoundError);
});
