// COPY's rules as docker's reference states them: a directory's contents are copied, not the directory; a file
// lands inside a destination ending in / or naming a directory of the image, else becomes it; several sources
// need a directory destination; .dockerignore'd and outside-the-context sources are refused.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { planCopy } from '../../../../src/engine/build/copy-layer.js';
import { resolveSources, type SourceRoot } from '../../../../src/engine/build/copy-sources.js';
import { IgnoreMatcher } from '../../../../src/engine/build/dockerignore.js';
import { MergedView } from '../../../../src/engine/build/merged-view.js';

function setup(t: TestContext): { context: SourceRoot; stage: MergedView } {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-copy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ctx = join(dir, 'ctx');
  mkdirSync(join(ctx, 'dir/sub'), { recursive: true });
  writeFileSync(join(ctx, 'a.txt'), 'a');
  writeFileSync(join(ctx, 'b.txt'), 'b');
  writeFileSync(join(ctx, 'dir/x'), 'x');
  writeFileSync(join(ctx, 'dir/sub/y'), 'y');
  writeFileSync(join(ctx, 'dir/skip.log'), 'ignored');
  symlinkSync('/etc', join(ctx, 'escape'));
  symlinkSync('dir/x', join(ctx, 'inside'));
  const image = join(dir, 'image');
  mkdirSync(join(image, 'existing'), { recursive: true });
  const real = realpathSync(ctx);
  const context: SourceRoot = {
    view: new MergedView([real], false),
    contextDir: real,
    ignore: new IgnoreMatcher(['**/*.log']),
    what: 'build context',
  };
  return { context, stage: new MergedView([image], false) };
}

function plan(s: ReturnType<typeof setup>, sources: string[], dest: string) {
  const { sources: resolved, wildcard } = resolveSources(sources, s.context, 'COPY');
  const p = planCopy({
    sources: resolved,
    dest,
    multiple: resolved.length > 1 || wildcard,
    stageView: s.stage,
    owner: { uid: 0, gid: 0 },
    add: false,
    keyword: 'COPY',
  });
  return p.items.map((i) => `${i.kind} ${i.dest}`);
}

test('file destinations: trailing slash, an existing directory, or the file name itself', (t) => {
  const s = setup(t);
  assert.deepEqual(plan(s, ['a.txt'], '/new/'), ['file new/a.txt']);
  assert.deepEqual(plan(s, ['a.txt'], '/existing'), ['file existing/a.txt']);
  assert.deepEqual(plan(s, ['a.txt'], '/renamed.txt'), ['file renamed.txt']);
  assert.deepEqual(plan(s, ['inside'], '/followed'), ['file followed']); // a symlink source inside the context is followed
});

test('a directory source copies its contents (ignored files left out); wildcards and several sources need a dir', (t) => {
  const s = setup(t);
  assert.deepEqual(plan(s, ['dir'], '/target'), ['dir target', 'dir target/sub', 'file target/sub/y', 'file target/x']);
  assert.deepEqual(plan(s, ['*.txt'], '/t/'), ['file t/a.txt', 'file t/b.txt']);
  assert.throws(() => plan(s, ['*.txt'], '/t'), /the destination must be a directory and end with a \//);
  assert.throws(() => plan(s, ['a.txt', 'b.txt'], '/t'), /more than one source file/);
});

test('sources outside the context or excluded are refused', (t) => {
  const s = setup(t);
  assert.throws(() => plan(s, ['../a.txt'], '/x'), /forbidden path outside the build context: \.\.\/a\.txt/);
  assert.throws(() => plan(s, ['dir/../../a.txt'], '/x'), /forbidden path outside the build context/);
  assert.throws(
    () => plan(s, ['escape/passwd'], '/x'),
    /forbidden path outside the build context: escape\/passwd \(it resolves to \/etc\/passwd\)/,
  );
  assert.throws(() => plan(s, ['dir/skip.log'], '/x'), /file not found in build context or excluded by \.dockerignore/);
  assert.throws(() => plan(s, ['nothing*'], '/x/'), /file not found in build context/);
});
