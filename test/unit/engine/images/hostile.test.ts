// Hostile archives are refused with a message naming the entry, and leave nothing in the store or outside it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { UsageError } from '../../../../src/errors.js';
import { importRootfs, loadArchive } from '../../../../src/engine/images/index.js';
import { buildTar, dockerSaveArchive, gzip, imageConfig, ociArchive, sha256, type TarEntrySpec } from './tar-builder.js';
import { storeFiles, tempRoot, writeTemp } from './store-fixture.js';

const ok: TarEntrySpec[] = [
  { path: 'bin/', type: 'dir' },
  { path: 'bin/sh', content: '#!/bin/true\n', mode: 0o755 },
];

async function assertImportRefused(t: TestContext, entries: TarEntrySpec[], message: RegExp): Promise<string> {
  const root = tempRoot(t);
  const file = writeTemp(t, 'rootfs.tar', buildTar([...ok, ...entries]));
  await assert.rejects(
    importRootfs(root, file, { ref: 'hostile:1' }),
    (err: Error) => err instanceof UsageError && message.test(err.message),
  );
  assert.deepEqual(storeFiles(root), [], 'a refused import leaves nothing in the store');
  return root;
}

function outsideDir(t: TestContext): string {
  const dir = join('/tmp', `tctop-outside-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('an absolute path is refused and nothing is written there', async (t) => {
  const target = `/tmp/tctop-abs-${randomBytes(4).toString('hex')}`;
  await assertImportRefused(t, [{ path: target, content: 'x' }], new RegExp(`entry "${target}" has an absolute path`));
  assert.equal(existsSync(target), false);
});

test('"../" escapes are refused with the message naming the entry', async (t) => {
  const outside = outsideDir(t);
  const name = outside.split('/').pop();
  await assertImportRefused(
    t,
    [{ path: `../../../../../../tmp/${name}/x`, content: 'x' }],
    /^refusing archive: entry "..\/..\/.*\/x" escapes the layer$/,
  );
  assert.equal(existsSync(join(outside, 'x')), false);
  await assertImportRefused(t, [{ path: 'bin/../../x', content: 'x' }], /entry "bin\/..\/..\/x" escapes the layer/);
});

test('a file below a symlinked parent (a -> /tmp/dir, then a/x) is refused', async (t) => {
  const outside = outsideDir(t);
  await assertImportRefused(
    t,
    [
      { path: 'a', type: 'symlink', linkpath: outside },
      { path: 'a/x', content: 'pwned' },
    ],
    /entry "a\/x" is below the symlink "a"/,
  );
  assert.equal(existsSync(join(outside, 'x')), false);
  // the same through a relative symlink
  await assertImportRefused(
    t,
    [
      { path: 'up', type: 'symlink', linkpath: '../../../..' },
      { path: 'up/tmp/y', content: 'x' },
    ],
    /below the symlink "up"/,
  );
});

test('hardlinks to outside the layer are refused, absolute or relative', async (t) => {
  await assertImportRefused(
    t,
    [{ path: 'passwd', type: 'hardlink', linkpath: '/etc/passwd' }],
    /entry "passwd" is a hardlink to an absolute path "\/etc\/passwd"/,
  );
  await assertImportRefused(
    t,
    [{ path: 'passwd', type: 'hardlink', linkpath: '../../etc/passwd' }],
    /hardlink to "..\/..\/etc\/passwd" outside the layer/,
  );
  await assertImportRefused(
    t,
    [
      { path: 'l', type: 'symlink', linkpath: '/etc' },
      { path: 'p', type: 'hardlink', linkpath: 'l/passwd' },
    ],
    /below the symlink "l"/,
  );
});

test('devices are refused unless they are whiteouts; a symlink replacing a directory is refused', async (t) => {
  await assertImportRefused(t, [{ path: 'dev/mem', type: 'char', devmajor: 1, devminor: 1 }], /entry "dev\/mem" is a device/);
  await assertImportRefused(t, [{ path: 'dev/sda', type: 'block', devmajor: 8, devminor: 0 }], /is a device/);
  await assertImportRefused(t, [{ path: 'bin', type: 'symlink', linkpath: '/usr/bin' }], /entry "bin" replaces a directory/);
});

test('not a tar, a truncated tar and a truncated gzip are refused and leave nothing', async (t) => {
  const root = tempRoot(t);
  const notTar = writeTemp(t, 'x.tar', Buffer.from('this is not a tar archive at all\n'.repeat(40)));
  await assert.rejects(importRootfs(root, notTar), /refusing archive: rootfs .* is not a tar archive/);
  const tar = buildTar([...ok, { path: 'big', content: randomBytes(50_000) }]);
  const cut = writeTemp(t, 'cut.tar', tar.subarray(0, 20_000));
  await assert.rejects(importRootfs(root, cut), /is truncated/);
  const noEnd = writeTemp(t, 'noend.tar', buildTar(ok, { end: false }));
  await assert.rejects(importRootfs(root, noEnd), /truncated \(no end-of-archive marker\)/);
  const zipped = gzip(tar);
  const cutGz = writeTemp(t, 'cut.tar.gz', zipped.subarray(0, zipped.length - 200));
  await assert.rejects(importRootfs(root, cutGz), /not a valid gzip stream/);
  await assert.rejects(loadArchive(root, cutGz), /not a valid gzip stream/);
  assert.deepEqual(storeFiles(root), []);
});

test('a layer whose content does not match the config diff_id refuses the whole archive', async (t) => {
  const root = tempRoot(t);
  const good = buildTar(ok);
  const evil = buildTar([...ok, { path: 'bin/evil', content: 'x' }]);
  // the config promises `good`, the archive carries `evil`
  const archive = dockerSaveArchive([evil], ['x:1'], imageConfig([good]));
  const file = writeTemp(t, 'save.tar', archive);
  await assert.rejects(loadArchive(root, file), new RegExp(`layer 1 \\(${sha256(good).slice(0, 19)}\\) does not match its diff_id`));
  assert.deepEqual(storeFiles(root), []);
});

test('an OCI blob that does not match its digest, and a config that does not match its name, are refused', async (t) => {
  const root = tempRoot(t);
  const layer = buildTar(ok);
  const tampered = ociArchive([{ tar: layer, gzip: true }], {
    imageName: 'x:1',
    blobOverride: { 0: gzip(buildTar([...ok, { path: 'evil', content: '1' }])) },
  });
  await assert.rejects(loadArchive(root, writeTemp(t, 'oci.tar', tampered)), /does not match its digest/);
  const config = imageConfig([layer]);
  // the config file keeps its name (its digest) but its bytes were changed
  const forgedConfig = buildTar([
    { path: `${sha256(config).slice(7)}.json`, content: Buffer.from(config.toString().replace('"/w"', '"/v"')) },
    { path: `${'0'.padStart(64, 'a')}/layer.tar`, content: layer },
    {
      path: 'manifest.json',
      content: JSON.stringify([
        { Config: `${sha256(config).slice(7)}.json`, RepoTags: ['x:1'], Layers: [`${'0'.padStart(64, 'a')}/layer.tar`] },
      ]),
    },
  ]);
  await assert.rejects(loadArchive(root, writeTemp(t, 'save.tar', forgedConfig)), /image config does not match its digest/);
  assert.deepEqual(storeFiles(root), []);
});

test('an archive whose manifest points outside itself is refused', async (t) => {
  const root = tempRoot(t);
  const archive = buildTar([
    { path: 'link', type: 'symlink', linkpath: '/etc' },
    { path: 'manifest.json', content: JSON.stringify([{ Config: 'link/passwd', RepoTags: [], Layers: [] }]) },
  ]);
  await assert.rejects(loadArchive(root, writeTemp(t, 'a.tar', archive)), /image config "link\/passwd" points outside the archive/);
  const traversal = buildTar([
    { path: 'manifest.json', content: JSON.stringify([{ Config: '../../../etc/passwd', RepoTags: [], Layers: [] }]) },
  ]);
  await assert.rejects(loadArchive(root, writeTemp(t, 'b.tar', traversal)), /points outside the archive|is missing from the archive/);
  assert.deepEqual(storeFiles(root), []);
});
