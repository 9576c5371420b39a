// The build's sha256 memo (src/engine/build/sha256-memo.ts) end to end: a rebuild gives the same image ID through it,
// a changed copied file still rebuilds, and a memo that lied could never make the store hold a config under an ID
// that is not its digest (the final ID is proven by the store's own file or hashed for real).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

test('rebuilds through the memo; a changed copied file rebuilds; a lying memo is refused, not committed', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-build-memo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ctx = join(dir, 'ctx');
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nENV A=1\nCOPY f /f\nLABEL b=2\n');
  writeFileSync(join(ctx, 'f'), 'one');
  const root = join(dir, 'root');
  const tctop = (...args: string[]) =>
    spawnSync('bin/tctop', args, { encoding: 'utf8', timeout: 30_000, env: { ...process.env, TCTOP_ROOT: root } });
  const build = (tag: string) => tctop('build', '-q', '-t', tag, ctx);
  const first = build('memo:1');
  assert.equal(first.status, 0, first.stderr);
  const id = first.stdout.trim();
  const memoFile = join(root, 'images', 'build-cache', 'sha256-memo.json');
  const config = readFileSync(join(root, 'images', 'configs', 'sha256', `${id.slice(7)}.json`));
  assert.equal(`sha256:${createHash('sha256').update(config).digest('hex')}`, id);
  const memo = JSON.parse(readFileSync(memoFile, 'utf8')) as [string, string][];
  assert.ok(
    memo.some(([input, digest]) => input === config.toString('latin1') && `sha256:${digest}` === id),
    'the ID is remembered',
  );

  assert.equal(build('memo:1').stdout.trim(), id, 'the same ID through the memo');
  writeFileSync(join(ctx, 'f'), 'two'); // same size
  const changed = build('memo:1');
  assert.equal(changed.status, 0, changed.stderr);
  assert.notEqual(changed.stdout.trim(), id, 'a changed copied file rebuilds');
  writeFileSync(join(ctx, 'f'), 'one');
  assert.equal(build('memo:1').stdout.trim(), id, 'and the old content finds its old steps');

  // a memo that gives the final config a false digest: the build stops before the store holds anything under it
  const lie = 'f'.repeat(64);
  const lying = (JSON.parse(readFileSync(memoFile, 'utf8')) as [string, string][]).map(([input, digest]): [string, string] =>
    input === config.toString('latin1') ? [input, lie] : [input, digest],
  );
  writeFileSync(memoFile, JSON.stringify(lying));
  const refused = build('memo:2');
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /is not its config's digest/);
  const images = tctop('images', '-q', '--no-trunc').stdout;
  assert.match(images, new RegExp(id.slice(7)));
  assert.doesNotMatch(images, new RegExp(lie));
});
