// The stage view COPY --from reads: overlay semantics over layer dirs (top wins, whiteouts delete, opaque dirs hide
// lower content) and symlinks resolved inside the view, never on the host.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { MergedView } from '../../../../src/engine/build/merged-view.js';
import { hasCommand, isRoot, missing } from '../../../helpers/prereq.js';

function layers(t: TestContext): { lower: string; upper: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-view-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const lower = join(dir, 'lower');
  const upper = join(dir, 'upper');
  for (const d of ['etc', 'app/old', 'data']) mkdirSync(join(lower, d), { recursive: true });
  writeFileSync(join(lower, 'etc/passwd'), 'lower\n');
  writeFileSync(join(lower, 'etc/group'), 'lower group\n');
  writeFileSync(join(lower, 'app/old/file'), 'old\n');
  writeFileSync(join(lower, 'data/a'), 'a\n');
  mkdirSync(join(upper, 'app'), { recursive: true });
  mkdirSync(join(upper, 'etc'), { recursive: true });
  mkdirSync(join(upper, 'data'), { recursive: true });
  writeFileSync(join(upper, 'etc/passwd'), 'upper\n');
  writeFileSync(join(upper, 'data/b'), 'b\n');
  spawnSync('mknod', [join(upper, 'etc/group'), 'c', '0', '0']);
  spawnSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', join(upper, 'app')]);
  writeFileSync(join(upper, 'app/new'), 'new\n');
  symlinkSync('/etc/passwd', join(upper, 'abs-link'));
  symlinkSync('../../../../../../etc', join(upper, 'up-link'));
  return { lower, upper };
}

test('top layer wins, whiteouts delete, opaque dirs hide the lower content, listings merge', (t) => {
  if (missing(t, isRoot(), 'root (mknod, trusted.* xattrs)') || missing(t, hasCommand('getfattr'), 'getfattr')) return;
  const { lower, upper } = layers(t);
  const view = new MergedView([upper, lower]);
  assert.equal(view.lookup('etc/passwd')?.abs, join(upper, 'etc/passwd'));
  assert.equal(view.lookup('etc/group'), null);
  assert.equal(view.lookup('app/old/file'), null);
  assert.deepEqual(view.list('app'), ['new']);
  assert.deepEqual(view.list('data'), ['a', 'b']);
  assert.deepEqual(view.list('etc'), ['passwd']);
});

test('symlinks resolve inside the view: absolute and ../ targets never reach the host', (t) => {
  if (missing(t, isRoot(), 'root (mknod, trusted.* xattrs)') || missing(t, hasCommand('getfattr'), 'getfattr')) return;
  const { lower, upper } = layers(t);
  const view = new MergedView([upper, lower]);
  assert.equal(view.resolve('abs-link'), 'etc/passwd');
  assert.equal(view.resolve('up-link/passwd'), 'etc/passwd');
  assert.equal(view.resolve('abs-link', false), 'abs-link');
  assert.equal(view.lookup(view.resolve('up-link/passwd'))?.abs, join(upper, 'etc/passwd'));
});

test('a view normalizes its layer roots, so what it gives is what path.join would', (t) => {
  const base = mkdtempSync(join(tmpdir(), 'tctop-view-norm-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  mkdirSync(join(base, 'l', 'd'), { recursive: true });
  writeFileSync(join(base, 'l', 'd', 'f'), 'x');
  const view = new MergedView([`${base}/./l/`], false);
  assert.deepEqual(view.layers, [`${join(base, 'l')}/`]);
  assert.equal(view.lookup('d/f')?.abs, join(base, 'l', 'd', 'f'));
  assert.deepEqual(view.list('d'), ['f']);
});
