// tctop run and create with an image the store lacks, as docker run has it: pulled from its registry first (Debian's
// docker-registry on 127.0.0.1, the image put there by a real `docker push`), with "Unable to find image" and the
// pull's lines on stderr, the container's output alone on stdout; --pull never refuses, --pull always takes the
// registry's image even when the store has one, and a bad policy or a registry that is down is a one-line error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sh } from '../helpers/prereq.js';
import { buildFiveLayerImage, freePort, registryMissing, startRegistry, tctop, tempDir } from './registry-harness.js';

function registered(root: string): Record<string, string> {
  const file = join(root, 'images/repositories.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

test('run and create pull by --pull: missing by default, never refuses, always takes the registry image', {
  timeout: 300_000,
}, async (t) => {
  if (registryMissing(t)) return;
  const reg = await startRegistry();
  t.after(() => reg.stop());
  const local = `tctop-test/run-pull:${process.pid}`;
  buildFiveLayerImage(local);
  const remote = `${reg.host}/runpull:latest`;
  sh('docker', ['tag', local, remote]);
  // by ID, forced: an image pushed keeps its registry digest, and a removal by tag alone left it as runpull:<none>
  const localId = sh('docker', ['image', 'inspect', '--format', '{{.Id}}', local]).trim();
  t.after(() => void spawnSync('docker', ['rmi', '-f', localId], { stdio: 'ignore' }));
  sh('docker', ['push', '-q', remote], { timeoutMs: 120_000 });
  const root = tempDir(t, 'tctop-run-pull-');
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => tctop(root, ['run', '--rm', '--network', 'none', ...args], { env });

  const never = run(['--pull', 'never', remote]);
  assert.equal(never.status, 1, never.stderr);
  assert.equal(never.stderr, `tctop: no such image: ${remote}\n`);
  assert.deepEqual(registered(root), {}, 'never: nothing pulled');
  const byEnv = run([remote], { TCTOP_PULL_POLICY: 'never' });
  assert.equal(byEnv.stderr, `tctop: no such image: ${remote}\n`, 'TCTOP_PULL_POLICY=never is the default policy');

  // docker's default (no flag, no TCTOP_PULL_POLICY): pulled, then run; stdout is the container's alone
  const first = run([remote], { TCTOP_PULL_POLICY: '' });
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout, '1\n4\n');
  assert.ok(first.stderr.startsWith(`Unable to find image '${remote}' locally\nlatest: Pulling from runpull\n`), first.stderr);
  assert.match(first.stderr, /Status: Downloaded newer image for /);
  const pulledId = registered(root)[remote];
  assert.equal(pulledId, localId, "docker's image ID");
  const again = run(['--pull', 'missing', remote]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.stderr, '', 'in the store: no pull');
  assert.equal(again.stdout, '1\n4\n');

  // the registry's tag moves to another image: missing keeps the store's, always takes the registry's
  const other = `tctop-test/run-pull-other:${process.pid}`;
  buildFiveLayerImage(other);
  const otherId = sh('docker', ['image', 'inspect', '--format', '{{.Id}}', other]).trim();
  t.after(() => void spawnSync('docker', ['rmi', '-f', otherId], { stdio: 'ignore' }));
  sh('docker', ['tag', other, remote]);
  sh('docker', ['push', '-q', remote], { timeoutMs: 120_000 });
  assert.notEqual(otherId, pulledId);
  assert.equal(run([remote], { TCTOP_PULL_POLICY: 'missing' }).stderr, '');
  assert.equal(registered(root)[remote], pulledId);
  const always = run(['--pull', 'always', remote]);
  assert.equal(always.status, 0, always.stderr);
  assert.doesNotMatch(always.stderr, /Unable to find image/);
  assert.match(always.stderr, /Status: Downloaded newer image for /);
  assert.equal(registered(root)[remote], otherId);
  const upToDate = run(['--pull', 'always', remote]);
  assert.match(upToDate.stderr, /Status: Image is up to date for /);

  // create pulls the same way and prints only the ID on stdout
  // one hook, in this order: after hooks run as registered, and a root removed first would leave the cgroup behind
  const fresh = mkdtempSync(join(tmpdir(), 'tctop-create-pull-'));
  let createdId = '';
  t.after(() => {
    if (createdId) tctop(fresh, ['rm', '-f', createdId]);
    rmSync(fresh, { recursive: true, force: true });
  });
  const created = tctop(fresh, ['create', '--network', 'none', '--pull', 'missing', remote]);
  createdId = /^[0-9a-f]{64}$/.test(created.stdout.trim()) ? created.stdout.trim() : '';
  assert.equal(created.status, 0, created.stderr);
  assert.match(created.stdout, /^[0-9a-f]{64}\n$/);
  assert.match(created.stderr, /^Unable to find image /);
  assert.equal(registered(fresh)[remote], otherId);

  // bad input: one line, exit non-zero, nothing created or registered
  const bad = run(['--pull', 'sometimes', remote]);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, 'tctop: invalid --pull "sometimes": expected missing, always or never\n');
  const badEnv = run([remote], { TCTOP_PULL_POLICY: 'often' });
  assert.equal(badEnv.stderr, 'tctop: invalid TCTOP_PULL_POLICY "often": expected missing, always or never\n');
  const down = `127.0.0.1:${await freePort()}/gone:1`;
  const refused = run(['--pull', 'missing', down]);
  assert.equal(refused.status, 1, refused.stderr);
  const lines = refused.stderr.trimEnd().split('\n');
  assert.equal(lines[0], `Unable to find image '${down}' locally`);
  assert.equal(lines.at(-1), `tctop: cannot reach registry ${down.split('/')[0]}: connection refused (is the registry running?)`);
  assert.equal(lines.filter((l) => l.startsWith('tctop:')).length, 1, refused.stderr);
  assert.equal(registered(root)[down], undefined);
  const containers = join(root, 'containers');
  assert.deepEqual(existsSync(containers) ? readdirSync(containers) : [], [], 'no container left by the refusals');
});
