// tctop build of a Dockerfile whose FROM image only a registry has: the build pulls it (from Debian's docker-registry
// on 127.0.0.1, put there by a real `docker push`), prints the pull in its output, builds, and the image runs; under
// the pull policy `never` it is refused, and `--pull` takes the registry's image even when the store has one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TEST_IMAGE } from '../helpers/docker.js';
import { sh } from '../helpers/prereq.js';
import { registryMissing, startRegistry, tctop } from './registry-harness.js';

test('build FROM an image the store lacks pulls it from its registry, then builds and runs', { timeout: 180_000 }, async (t) => {
  if (registryMissing(t)) return;
  const reg = await startRegistry();
  t.after(() => reg.stop());
  const base = `${reg.host}/base/busybox:1`;
  sh('docker', ['tag', TEST_IMAGE, base]);
  t.after(() => void spawnSync('docker', ['rmi', base], { stdio: 'ignore' }));
  sh('docker', ['push', '-q', base], { timeoutMs: 120_000 });
  const root = mkdtempSync(join(tmpdir(), 'tctop-build-pull-'));
  const ctx = mkdtempSync(join(tmpdir(), 'tctop-build-pull-ctx-'));
  t.after(() => {
    rmSync(ctx, { recursive: true, force: true });
    const ids = (JSON.parse(tctop(root, ['ps', '-a', '--json', '--runtime', 'tctop']).stdout || '[]') as Array<{ id: string }>).map(
      (c) => c.id,
    );
    if (ids.length) tctop(root, ['rm', '-f', ...ids]);
    rmSync(root, { recursive: true, force: true });
  });
  writeFileSync(join(ctx, 'Dockerfile'), `FROM ${base}\nRUN echo built > /built\nCMD ["cat", "/built"]\n`);
  const never = tctop(root, ['build', '--network', 'none', '-t', 'pulled-base:1', ctx], { env: { TCTOP_PULL_POLICY: 'never' } });
  assert.equal(never.status, 1, never.stderr);
  assert.equal(never.stderr, `tctop: image ${base} not found, and the pull policy is never\n`);
  assert.doesNotMatch(tctop(root, ['images']).stdout, /base\/busybox|pulled-base/, 'nothing pulled, nothing built');
  // docker's default (no TCTOP_PULL_POLICY): a missing FROM image is pulled
  const docker = { TCTOP_PULL_POLICY: '' };
  const built = tctop(root, ['build', '--network', 'none', '-t', 'pulled-base:1', ctx], { timeoutMs: 120_000, env: docker });
  assert.equal(built.status, 0, built.stderr);
  assert.match(built.stdout, new RegExp(`Step 1/3 : FROM ${base.replace(/[./]/g, '\\$&')}`));
  assert.match(built.stdout, /Status: Downloaded newer image for /, "the pull's own lines in the build's output");
  assert.match(built.stdout, /Successfully tagged pulled-base:1/);
  assert.match(tctop(root, ['images']).stdout, /base\/busybox/, 'the base image is in the store now');
  const run = tctop(root, ['run', '--rm', '--network', 'none', 'pulled-base:1'], { timeoutMs: 60_000 });
  assert.equal(run.stdout, 'built\n', run.stderr);

  // the registry's tag moves to another image: a build keeps the store's base, `--pull` takes the registry's
  const baseId = () => (JSON.parse(readFileSync(join(root, 'images/repositories.json'), 'utf8')) as Record<string, string>)[base];
  const before = baseId();
  assert.match(before ?? '', /^sha256:[0-9a-f]{64}$/);
  writeFileSync(join(ctx, 'Dockerfile.next'), `FROM ${base}\nLABEL next=1\n`);
  const nextTag = `${reg.host}/next:1`;
  const next = tctop(root, ['build', '--network', 'none', '-f', join(ctx, 'Dockerfile.next'), '-t', nextTag, ctx]);
  assert.equal(next.status, 0, next.stderr);
  const moved = tctop(root, ['tag', nextTag, base]);
  assert.equal(moved.status, 0, moved.stderr);
  assert.equal(tctop(root, ['push', '-q', base]).status, 0);
  assert.equal(tctop(root, ['tag', before!, base]).status, 0, 'the store holds the old base under the tag again');
  const cached = tctop(root, ['build', '--network', 'none', '-t', 'pulled-base:2', ctx], { env: docker });
  assert.equal(cached.status, 0, cached.stderr);
  assert.doesNotMatch(cached.stdout, /Pulling from/, 'the store has the base: no pull by default');
  assert.equal(baseId(), before);
  const pulled = tctop(root, ['build', '--pull', '--network', 'none', '-t', 'pulled-base:3', ctx], { timeoutMs: 120_000 });
  assert.equal(pulled.status, 0, pulled.stderr);
  assert.match(pulled.stdout, /Status: Downloaded newer image for /);
  assert.notEqual(baseId(), before, "--pull took the registry's image for the tag");
});
