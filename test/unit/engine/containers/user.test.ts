// -u resolution against image layers: the top-most layer's /etc files win, whiteouts delete, symlinks are not
// followed (an image must not make tctop read the host's files), numeric IDs need no files.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { NotFoundError, UsageError } from '../../../../src/errors.js';
import { readImageEtcFile, resolveUser } from '../../../../src/engine/containers/user.js';

function layer(t: TestContext, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-layer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nwww:x:33:33:www:/var/www:/bin/false\napp:x:1000:1000::/home/app:/bin/sh\n';
const GROUP = 'root:x:0:\nwww:x:33:\napp:x:1000:\nextra:x:2000:app,www\nother:x:3000:www\n';

test('names and numbers, with supplementary groups from /etc/group', (t) => {
  const l = layer(t, { 'etc/passwd': PASSWD, 'etc/group': GROUP });
  assert.deepEqual(resolveUser('', [l]), { uid: 0, gid: 0, groups: [0], home: '/root' });
  assert.deepEqual(resolveUser('app', [l]), { uid: 1000, gid: 1000, groups: [1000, 2000], home: '/home/app' });
  assert.deepEqual(resolveUser('33', [l]), { uid: 33, gid: 33, groups: [33, 2000, 3000], home: '/var/www' });
  assert.deepEqual(resolveUser('app:other', [l]), { uid: 1000, gid: 3000, groups: [3000, 2000], home: '/home/app' });
  assert.deepEqual(resolveUser('4242:4343', [l]), { uid: 4242, gid: 4343, groups: [4343], home: '/' });
  assert.throws(() => resolveUser('nobody', [l]), NotFoundError);
  assert.throws(() => resolveUser('app:nogroup', [l]), NotFoundError);
  for (const bad of ['a:b:c', ':1', '1:', '99999999999']) assert.throws(() => resolveUser(bad, [l]), UsageError, bad);
});

test('numeric users work without any /etc files', (t) => {
  const l = layer(t, { 'bin/sh': '' });
  assert.deepEqual(resolveUser('1000:1000', [l]), { uid: 1000, gid: 1000, groups: [1000], home: '/' });
  assert.throws(() => resolveUser('app', [l]), NotFoundError);
});

test('the top-most layer with the file wins; lower layers fill in', (t) => {
  const lower = layer(t, { 'etc/passwd': PASSWD, 'etc/group': GROUP });
  const upper = layer(t, { 'etc/passwd': 'app:x:1500:1500::/srv:/bin/sh\n' });
  assert.deepEqual(resolveUser('app', [upper, lower]), { uid: 1500, gid: 1500, groups: [1500, 2000], home: '/srv' });
});

test('symlinked /etc/passwd or /etc is not followed', (t) => {
  const hostile = layer(t, {});
  mkdirSync(join(hostile, 'etc'));
  symlinkSync('/etc/passwd', join(hostile, 'etc/passwd'));
  assert.equal(readImageEtcFile([hostile], 'passwd'), null);
  assert.throws(() => resolveUser('root', [hostile]), NotFoundError, 'the host passwd was not read');
  const hostileDir = layer(t, {});
  symlinkSync('/etc', join(hostileDir, 'etc'));
  assert.equal(readImageEtcFile([hostileDir], 'passwd'), null);
});
