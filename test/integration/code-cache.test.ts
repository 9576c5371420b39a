// The launcher's V8 code cache (src/cli/launch.ts): made by a command's first run, used by the next, never taken from
// a directory someone else could write, and harmless when damaged.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

function tctopWith(cacheDir: string, ...args: string[]) {
  return tctopIn({ TCTOP_CODE_CACHE_DIR: cacheDir }, ...args);
}

function tctopIn(env: NodeJS.ProcessEnv, ...args: string[]) {
  const r = spawnSync('bin/tctop', args, { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
  assert.equal(r.status, 0, `tctop ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-v8-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("a command's first run writes its cache (0600, in a 0700 dir); the next run reads it and prints the same", (t) => {
  const dir = join(scratch(t), 'v8');
  const first = tctopWith(dir, 'images', '--json');
  const files = readdirSync(dir);
  assert.equal(files.length, 1);
  assert.match(files[0], /^images-[0-9a-f]{8}-v\d+\.\d+\.\d+-\d+-\d+-\d+\.bin$/, 'command, a tag of its bundle path, the build');
  const cache = join(dir, files[0]);
  assert.equal(statSync(cache).mode & 0o777, 0o600);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.ok(statSync(cache).size > 10_000, 'holds compiled code');
  const written = statSync(cache).mtimeMs;
  assert.equal(tctopWith(dir, 'images', '--json'), first);
  assert.equal(statSync(cache).mtimeMs, written, 'an accepted cache is not written again');
  // one cache per command; long-running ones get none
  tctopWith(dir, 'ps', '--json');
  tctopWith(dir, 'serve', '--help');
  assert.deepEqual(
    readdirSync(dir)
      .map((f) => f.split('-')[0])
      .sort(),
    ['images', 'ps'],
  );
});

test('a damaged cache is rejected by V8 and replaced; the command still works', (t) => {
  const dir = join(scratch(t), 'v8');
  const expected = tctopWith(dir, 'images', '--json');
  const [file] = readdirSync(dir);
  writeFileSync(join(dir, file), Buffer.alloc(statSync(join(dir, file)).size, 0x41));
  assert.equal(tctopWith(dir, 'images', '--json'), expected);
  assert.notEqual(statSync(join(dir, file)).size, 0);
  assert.ok(statSync(join(dir, file)).mtimeMs > 0);
  // a cache of an older build of the same command is dropped when the new one is written
  const prefix = file.split('-').slice(0, 2).join('-'); // this command of this install: images-<bundle path tag>
  writeFileSync(join(dir, `${prefix}-v0.0.0-1-2-3.bin`), 'stale', { mode: 0o600 });
  rmSync(join(dir, file));
  tctopWith(dir, 'images', '--json');
  assert.deepEqual(readdirSync(dir), [file]);
});

test('a cache directory others can write to is neither read nor written', (t) => {
  const dir = join(scratch(t), 'v8');
  mkdirSync(dir, { mode: 0o700 });
  chmodSync(dir, 0o777);
  const planted = join(dir, 'images-planted.bin');
  writeFileSync(planted, 'not code');
  tctopWith(dir, 'images', '--json');
  assert.deepEqual(readdirSync(dir), ['images-planted.bin'], 'nothing written to a world-writable dir');
  // a file in our own dir that others may write is not read either: the command works and replaces it
  chmodSync(dir, 0o700);
  tctopWith(dir, 'images', '--json');
  const [made] = readdirSync(dir).filter((f) => f !== 'images-planted.bin');
  chmodSync(join(dir, made), 0o666);
  const before = statSync(join(dir, made)).mtimeMs;
  tctopWith(dir, 'images', '--json');
  assert.notEqual(statSync(join(dir, made)).mtimeMs, before, 'an untrusted cache file is replaced, not used');
  assert.equal(statSync(join(dir, made)).mode & 0o777, 0o600);
});

test('the bundle has no import(): a script compiled from a code cache loses its dynamic-import callback', () => {
  // esbuild turns them into require() (--supported:dynamic-import=false); one left would fail only on cached runs,
  // as proper-lockfile's once did under lock contention ("A dynamic import callback was not specified")
  const bundle = readFileSync('dist/cli/tctop.cjs', 'utf8');
  assert.doesNotMatch(bundle, /(?<![\w$.])import\(/);
  assert.match(bundle, /require\("proper-lockfile"\)/);
});

test("a build that missed its cache leaves a cache only until a fully cached build, which makes the build's own", (t) => {
  const scratchDir = scratch(t);
  const dir = join(scratchDir, 'v8');
  const context = join(scratchDir, 'ctx');
  mkdirSync(context);
  writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nENV A=1\nLABEL b=2\n');
  const env = { TCTOP_CODE_CACHE_DIR: dir, TCTOP_ROOT: join(scratchDir, 'root') };
  const build = (...flags: string[]) => tctopIn(env, 'build', '-q', ...flags, context).trim();
  const caches = () => readdirSync(dir).filter((f) => f.startsWith('build-'));
  const id = build(); // every step misses: the slow path
  assert.match(caches().join(), /^build-[0-9a-f]{8}-v[\d.]+-\d+-\d+-\d+\.slow\.bin$/, 'a slow run marks the cache it made');
  assert.equal(build(), id);
  assert.deepEqual(caches(), [], 'the first fully cached build drops it');
  assert.equal(build(), id);
  const [own] = caches();
  assert.match(own, /^build-[0-9a-f]{8}-v[\d.]+-\d+-\d+-\d+\.bin$/, 'the next writes its own');
  const written = statSync(join(dir, own)).mtimeMs;
  assert.notEqual(build('--no-cache'), '', 'a slow run with a cache of its command accepted');
  assert.deepEqual(caches(), [own], 'writes nothing');
  assert.equal(statSync(join(dir, own)).mtimeMs, written);
});
