// The layer diff: an overlay-style tree (whiteout devices, an opaque dir, hardlinks, long and non-UTF-8 names, an
// xattr) becomes a tar that GNU tar reads back entry for entry; the same tree always gives the same bytes, and the
// tree extracted into the store regenerates the very tar it came from (so save keeps a built layer's diff_id).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { layerTarStream } from '../../../../src/engine/images/diff-walk.js';
import { encodeHeader } from '../../../../src/engine/images/diff-tar-format.js';
import { extractTar } from '../../../../src/engine/images/extract-tar.js';
import { hasCommand, isRoot, missing } from '../../../helpers/prereq.js';

async function tarOf(dir: string, containerUpper = false): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of layerTarStream(dir, { containerUpper })) chunks.push(c);
  return Buffer.concat(chunks);
}

function temp(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-diff-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const longName = 'd'.repeat(120);

function makeUpper(dir: string, nonUtf8 = true): void {
  mkdirSync(join(dir, 'etc'));
  writeFileSync(join(dir, 'etc/hosts'), ''); // the engine's mount point: not a change
  mkdirSync(join(dir, 'opaque/inner'), { recursive: true });
  writeFileSync(join(dir, 'opaque/inner/f'), 'inside\n');
  writeFileSync(join(dir, 'file'), 'content\n');
  linkSync(join(dir, 'file'), join(dir, 'hardlink'));
  symlinkSync('/absolute/target', join(dir, 'link'));
  writeFileSync(join(dir, longName), 'long\n');
  // node-tar (the store's extraction) reads names as UTF-8, so such a name survives the diff but not a round trip
  if (nonUtf8) writeFileSync(Buffer.concat([Buffer.from(dir + '/bad-'), Buffer.from([0xff, 0xfe])]), 'latin\n');
  spawnSync('mknod', [join(dir, 'deleted'), 'c', '0', '0']);
  spawnSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', join(dir, 'opaque')]);
  spawnSync('setfattr', ['-n', 'user.note', '-v', 'kept', join(dir, 'file')]);
  for (const p of ['file', 'opaque/inner/f', longName, 'opaque/inner', 'opaque', 'etc'])
    utimesSync(join(dir, p), 1_600_000_000.7, 1_600_000_000.7);
}

test('an upper dir as a layer tar: whiteouts, opaque dirs, hardlinks, long names, xattrs; engine mount points left out', async (t) => {
  if (missing(t, isRoot(), 'root (mknod, trusted.* xattrs)') || missing(t, hasCommand('getfattr'), 'getfattr')) return;
  const dir = temp(t);
  const upper = join(dir, 'upper');
  mkdirSync(upper);
  makeUpper(upper);
  const tar = await tarOf(upper, true);
  assert.deepEqual(await tarOf(upper, true), tar, 'deterministic');
  const listed = spawnSync('tar', ['-tvf', '-', '--xattrs', '--xattrs-include=*'], { input: tar, encoding: 'latin1' });
  assert.equal(listed.status, 0, listed.stderr);
  const names = spawnSync('tar', ['-tf', '-'], { input: tar, encoding: 'latin1' }).stdout.split('\n').filter(Boolean);
  assert.deepEqual(names, [
    'bad-\\377\\376',
    `${longName}`,
    '.wh.deleted',
    'etc/',
    'file',
    'hardlink',
    'link',
    'opaque/',
    'opaque/.wh..wh..opq',
    'opaque/inner/',
    'opaque/inner/f',
  ]);
  assert.match(listed.stdout, /hrw-r--r-- +0\/0 +0 \S+ \S+ hardlink link to file/);
  assert.match(listed.stdout, /lrwxrwxrwx +0\/0 +0 \S+ \S+ link -> \/absolute\/target/);
  assert.match(listed.stdout, /2020-09-13 12:26 file/); // whole seconds
  assert.match(tar.toString('latin1'), /SCHILY\.xattr\.user\.note=kept\n/);
  assert.doesNotMatch(tar.toString('latin1'), /trusted\.overlay/);
});

test('a layer extracted into the store regenerates the same tar (diff_id kept by save)', async (t) => {
  if (missing(t, isRoot(), 'root (mknod, trusted.* xattrs)') || missing(t, hasCommand('getfattr'), 'getfattr')) return;
  const dir = temp(t);
  const upper = join(dir, 'upper');
  mkdirSync(upper);
  makeUpper(upper, false);
  const tar = await tarOf(upper, true);
  const stored = join(dir, 'stored');
  const result = await extractTar(
    (async function* () {
      yield tar;
    })(),
    stored,
    { convertWhiteouts: true, what: 'test layer' },
  );
  assert.equal(result.diffId, 'sha256:' + createHash('sha256').update(tar).digest('hex'));
  const again = await tarOf(stored);
  assert.equal(createHash('sha256').update(again).digest('hex'), result.diffId.slice(7));
});

test('headers: PAX records only where ustar cannot hold the value; checksums as tar computes them', () => {
  const plain = encodeHeader({ path: Buffer.from('a/b'), type: 'file', mode: 0o644, uid: 0, gid: 0, size: 3, mtime: 1 });
  assert.equal(plain.length, 512);
  const long = encodeHeader({
    path: Buffer.from('x'.repeat(150)),
    type: 'file',
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: 0,
    mtime: 1,
    xattrs: new Map([['user.a', Buffer.from('b')]]),
  });
  assert.equal(long.length, 512 * 3);
  assert.match(long.subarray(512, 1024).toString(), /^\d+ path=x{150}\n\d+ SCHILY\.xattr\.user\.a=b\n/);
  const sum = [...plain].reduce((s, b, i) => s + (i >= 148 && i < 156 ? 0x20 : b), 0);
  assert.equal(parseInt(plain.subarray(148, 154).toString(), 8), sum);
});
