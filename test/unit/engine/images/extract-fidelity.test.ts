// What a layer looks like once extracted: modes (setuid too), owners, times, links, and overlay whiteouts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { importRootfs, resolveImage } from '../../../../src/engine/images/index.js';
import { hasCommand, isRoot, missing } from '../../../helpers/prereq.js';
import { buildTar, gzip } from './tar-builder.js';
import { tempRoot, writeTemp } from './store-fixture.js';

const MTIME = 1_600_000_000;

test('modes, owners, mtimes, symlinks (absolute targets kept) and hardlinks survive extraction', async (t) => {
  if (missing(t, isRoot(), 'root (to preserve ownership)')) return;
  const root = tempRoot(t);
  const tar = buildTar([
    { path: 'bin/', type: 'dir', mode: 0o755, mtime: MTIME },
    { path: 'bin/su', content: 'setuid', mode: 0o4755, uid: 0, gid: 0, mtime: MTIME },
    { path: 'home/', type: 'dir', mode: 0o755 },
    { path: 'home/user/', type: 'dir', mode: 0o700, uid: 1000, gid: 1000, mtime: MTIME },
    { path: 'home/user/notes', content: 'hi', mode: 0o600, uid: 1000, gid: 1000, mtime: MTIME },
    { path: 'ro/', type: 'dir', mode: 0o555, mtime: MTIME },
    { path: 'etc/', type: 'dir' },
    { path: 'etc/localtime', type: 'symlink', linkpath: '/usr/share/zoneinfo/UTC', uid: 1000, gid: 1000 },
    { path: 'bin/sudo', type: 'hardlink', linkpath: 'bin/su' },
    { path: 'world', content: 'w', mode: 0o777 },
  ]);
  const image = await importRootfs(root, writeTemp(t, 'rootfs.tar.gz', gzip(tar)), { ref: 'fidelity' });
  const [layer] = resolveImage(root, image.id).layerDirs;
  const st = (p: string) => lstatSync(join(layer, p));
  assert.equal(st('bin/su').mode & 0o7777, 0o4755, 'setuid survives the chown');
  assert.equal(st('home/user').mode & 0o7777, 0o700);
  assert.equal(st('home/user').uid, 1000);
  assert.equal(st('home/user/notes').gid, 1000);
  assert.equal(st('ro').mode & 0o7777, 0o555, 'directories keep modes without owner write');
  assert.equal(st('world').mode & 0o7777, 0o777, 'the process umask does not apply');
  assert.equal(st('bin/su').mtimeMs, MTIME * 1000);
  assert.equal(st('home/user').mtimeMs, MTIME * 1000, 'directory mtimes are set after their children');
  assert.equal(readlinkSync(join(layer, 'etc/localtime')), '/usr/share/zoneinfo/UTC');
  assert.equal(st('etc/localtime').uid, 1000, 'symlink owner');
  assert.equal(statSync(join(layer, 'bin/sudo')).ino, statSync(join(layer, 'bin/su')).ino);
  assert.equal(readFileSync(join(layer, 'home/user/notes'), 'utf8'), 'hi');
});

test('.wh. files become overlay whiteouts (char 0/0) and .wh..wh..opq marks the directory opaque', async (t) => {
  if (missing(t, isRoot(), 'root (mknod, trusted.* xattrs)') || missing(t, hasCommand('getfattr'), 'getfattr (package attr)')) return;
  const root = tempRoot(t);
  const tar = buildTar([
    { path: 'etc/', type: 'dir' },
    { path: 'etc/.wh.hostname', content: '' },
    { path: 'var/', type: 'dir' },
    { path: 'var/cache/', type: 'dir' },
    { path: 'var/cache/.wh..wh..opq', content: '' },
    { path: 'var/cache/fresh', content: 'new' },
    { path: '.wh..wh.plnk', type: 'dir' },
    { path: 'gone/.wh.deep', content: '' },
  ]);
  const image = await importRootfs(root, writeTemp(t, 'layer.tar', tar));
  const [layer] = resolveImage(root, image.id).layerDirs;
  const wh = lstatSync(join(layer, 'etc/hostname'));
  assert.ok(wh.isCharacterDevice(), 'whiteout is a character device');
  assert.equal(wh.rdev, 0, 'device 0/0');
  assert.ok(lstatSync(join(layer, 'gone/deep')).isCharacterDevice(), 'parents of a whiteout are created');
  assert.throws(() => lstatSync(join(layer, 'etc/.wh.hostname')), /ENOENT/, 'the .wh. file itself is not kept');
  assert.throws(() => lstatSync(join(layer, '.wh..wh.plnk')), /ENOENT/);
  const xattr = spawnSync('getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', join(layer, 'var/cache')], { encoding: 'utf8' });
  assert.equal(xattr.stdout, 'y');
  assert.equal(readFileSync(join(layer, 'var/cache/fresh'), 'utf8'), 'new');
  assert.notEqual(
    spawnSync('getfattr', ['-n', 'trusted.overlay.opaque', join(layer, 'etc')]).status,
    0,
    'only the marked directory is opaque',
  );
});

test('xattrs from PAX headers are restored (capabilities, user.*), overlay control attributes are not', async (t) => {
  if (missing(t, isRoot(), 'root (security.* xattrs)') || missing(t, hasCommand('getfattr'), 'getfattr (package attr)')) return;
  const root = tempRoot(t);
  // cap_net_raw+ep, as `setcap cap_net_raw+ep ping` writes it
  const cap = Buffer.from('0100000200200000000000000000000000000000', 'hex');
  const tar = buildTar([
    { path: 'bin/', type: 'dir', pax: { 'SCHILY.xattr.user.dir': 'd' } },
    {
      path: 'bin/ping',
      content: 'ping',
      mode: 0o755,
      pax: { 'SCHILY.xattr.security.capability': cap, 'SCHILY.xattr.user.note': 'v=1 \n x' },
    },
    { path: 'bin/plain', content: 'x'.repeat(700) },
    { path: 'hidden/', type: 'dir', pax: { 'SCHILY.xattr.trusted.overlay.opaque': 'y', 'SCHILY.xattr.trusted.overlay.redirect': '/etc' } },
    { path: 'bin/sym', type: 'symlink', linkpath: 'ping', pax: { 'SCHILY.xattr.user.link': 'l' } },
  ]);
  const image = await importRootfs(root, writeTemp(t, 'caps.tar', tar));
  const [layer] = resolveImage(root, image.id).layerDirs;
  const get = (path: string, name: string) => spawnSync('getfattr', ['-h', '--only-values', '-n', name, join(layer, path)]);
  assert.deepEqual(get('bin/ping', 'security.capability').stdout, cap);
  assert.equal(
    spawnSync('getfattr', ['--only-values', '-n', 'user.note', join(layer, 'bin/ping')], { encoding: 'utf8' }).stdout,
    'v=1 \n x',
  );
  assert.equal(get('bin', 'user.dir').stdout.toString(), 'd');
  assert.notEqual(get('bin/plain', 'user.note').status, 0, 'attributes stay with their own entry');
  assert.notEqual(get('hidden', 'trusted.overlay.opaque').status, 0, 'a layer cannot set overlay control attributes');
  assert.notEqual(get('hidden', 'trusted.overlay.redirect').status, 0);
  assert.notEqual(get('bin/sym', 'user.link').status, 0, 'symlinks take no xattrs (Linux refuses user.* on them)');
});

test('a later entry of the same name replaces an earlier one (appended tars)', async (t) => {
  const root = tempRoot(t);
  const tar = buildTar([
    { path: 'x', content: 'old' },
    { path: 'x', type: 'symlink', linkpath: '/target' },
    { path: 'y', type: 'symlink', linkpath: 'a' },
    { path: 'y', type: 'symlink', linkpath: 'b' },
    { path: 'z', content: 'first' },
    { path: 'z', content: 'second' },
  ]);
  const image = await importRootfs(root, writeTemp(t, 'dup.tar', tar));
  const [layer] = resolveImage(root, image.id).layerDirs;
  assert.equal(readlinkSync(join(layer, 'x')), '/target');
  assert.equal(readlinkSync(join(layer, 'y')), 'b');
  assert.equal(readFileSync(join(layer, 'z'), 'utf8'), 'second');
});
