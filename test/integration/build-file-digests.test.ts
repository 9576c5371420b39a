// The copied files' digests by lstat (src/engine/build/file-digests.ts) end to end: `tctop build` keeps none for a
// file written just before it was read, takes a recorded one in place of reading the file (seen through the COPY
// step's key), and a --no-cache build neither reads nor writes the cache.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

test('build: fresh files are not kept, a recorded digest stands in for reading, --no-cache keeps none', (t) => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'tctop-build-digests-')));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ctx = join(dir, 'ctx');
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY f /f\n');
  writeFileSync(join(ctx, 'f'), 'one');
  const root = join(dir, 'root');
  const cacheFile = join(root, 'images', 'build-cache', 'file-digests.json');
  const build = (...flags: string[]) =>
    spawnSync('bin/tctop', ['build', '-q', ...flags, '-t', 'digests:1', ctx], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, TCTOP_ROOT: root },
    });
  const first = build();
  assert.equal(first.status, 0, first.stderr);
  const id = first.stdout.trim();
  const kept = existsSync(cacheFile) ? (JSON.parse(readFileSync(cacheFile, 'utf8')) as unknown[][]) : [];
  assert.ok(!kept.some((e) => e[0] === join(ctx, 'f')), 'written a moment before it was read: not kept');

  const st = lstatSync(join(ctx, 'f'));
  const entry = (hex: string) => [join(ctx, 'f'), st.dev, st.ino, st.size, st.mode, st.mtimeMs, st.ctimeMs, hex];
  writeFileSync(cacheFile, JSON.stringify([entry('f'.repeat(64))]));
  const faked = build();
  assert.equal(faked.status, 0, faked.stderr);
  assert.notEqual(faked.stdout.trim(), id, 'the COPY key took the recorded digest, unread');
  writeFileSync(cacheFile, JSON.stringify([entry('7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed')]));
  assert.equal(build().stdout.trim(), id, 'the true digest of "one": the cached build of before');

  rmSync(cacheFile);
  const cold = build('--no-cache');
  assert.equal(cold.status, 0, cold.stderr);
  assert.equal(existsSync(cacheFile), false, '--no-cache wrote no file digests');
});
