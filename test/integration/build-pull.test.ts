// tctop build of a Dockerfile whose FROM image only a registry has: the build pulls it (from Debian's docker-registry
// on 127.0.0.1, put there by a real `docker push`), prints the pull in its output, builds, and the image runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  const built = tctop(root, ['build', '--network', 'none', '-t', 'pulled-base:1', ctx], { timeoutMs: 120_000 });
  assert.equal(built.status, 0, built.stderr);
  assert.match(built.stdout, new RegExp(`Step 1/3 : FROM ${base.replace(/[./]/g, '\\$&')}`));
  assert.match(built.stdout, /Status: Downloaded newer image for /, "the pull's own lines in the build's output");
  assert.match(built.stdout, /Successfully tagged pulled-base:1/);
  assert.match(tctop(root, ['images']).stdout, /base\/busybox/, 'the base image is in the store now');
  const run = tctop(root, ['run', '--rm', '--network', 'none', 'pulled-base:1'], { timeoutMs: 60_000 });
  assert.equal(run.stdout, 'built\n', run.stderr);
});
