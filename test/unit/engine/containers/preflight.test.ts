// Host checks before anything is created: overlayfs listed in /proc/filesystems (a fixture file stands in for it).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UnsupportedError } from '../../../../src/errors.js';
import { requireOverlayfs } from '../../../../src/engine/containers/preflight.js';

test('overlayfs must be in /proc/filesystems', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-fs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'filesystems');
  writeFileSync(file, 'nodev\tsysfs\nnodev\ttmpfs\n\text4\nnodev\toverlay\n');
  requireOverlayfs(file);
  writeFileSync(file, 'nodev\tsysfs\nnodev\ttmpfs\n\text4\nnodev\toverlayish\n');
  assert.throws(
    () => requireOverlayfs(file),
    (e: unknown) => e instanceof UnsupportedError && /^overlayfs is not available on this host/.test((e as Error).message),
  );
  assert.throws(() => requireOverlayfs(join(dir, 'missing')), UnsupportedError);
  requireOverlayfs(); // this host has it
});
