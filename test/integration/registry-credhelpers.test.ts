// docker's per-registry credential helpers (`credHelpers` in ~/.docker/config.json) against real registries: tctop's
// login stores through `docker-credential-<name> store`, real docker pushes with what it stored, tctop pulls and
// pushes with `get`, logout erases; a registry without a helper of its own goes to `credsStore`, as docker's do.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sh } from '../helpers/prereq.js';
import { dockerRmi, registryMissing, startRegistry, tctop, tctopAsync, tempDir } from './registry-harness.js';

/** A helper keeping one JSON answer per server URL under `dir`, logging each call ("<verb> <stdin>") to calls.log. */
function writeHelper(bin: string, name: string, dir: string): void {
  const path = join(bin, `docker-credential-${name}`);
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      'input=$(cat)',
      `printf '%s %s\\n' "$1" "$input" >> ${dir}/calls.log`,
      'case "$1" in',
      `  store) url=$(printf '%s' "$input" | sed -n 's/.*"ServerURL":"\\([^"]*\\)".*/\\1/p')`,
      `         printf '%s' "$input" > "${dir}/$(printf '%s' "$url" | tr -c 'A-Za-z0-9.' _)";;`,
      `  get) f="${dir}/$(printf '%s' "$input" | tr -c 'A-Za-z0-9.' _)"`,
      '       if [ -f "$f" ]; then cat "$f"; else echo "credentials not found in native keychain"; exit 1; fi;;',
      `  erase) f="${dir}/$(printf '%s' "$input" | tr -c 'A-Za-z0-9.' _)"`,
      '         if [ -f "$f" ]; then rm -f "$f"; else echo "credentials not found in native keychain"; exit 1; fi;;',
      '  *) echo "unknown verb $1" >&2; exit 2;;',
      'esac',
      '',
    ].join('\n'),
  );
  chmodSync(path, 0o755);
}

/** docker without blocking this process: the token endpoint answers from the test's own event loop. */
function dockerAsync(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('docker', args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

function calls(dir: string): string[] {
  const log = join(dir, 'calls.log');
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
}

test('credHelpers: a per-registry helper for login, docker push, tctop pull and push and logout; credsStore for the others', async (t) => {
  if (registryMissing(t)) return;
  const authed = await startRegistry({ users: { dave: 'per-registry pw' } });
  t.after(() => authed.stop());
  const open = await startRegistry();
  t.after(() => open.stop());
  const docker = tempDir(t, 'tctop-docker-config-');
  const bin = tempDir(t, 'tctop-helper-bin-');
  const helped = tempDir(t, 'tctop-helper-store-');
  const fallback = tempDir(t, 'tctop-helper-fallback-');
  writeHelper(bin, 'tctopper', helped);
  writeHelper(bin, 'tctopfallback', fallback);
  const configFile = join(docker, 'config.json');
  writeFileSync(configFile, JSON.stringify({ credHelpers: { [authed.host]: 'tctopper' }, credsStore: 'tctopfallback' }));
  const env = { DOCKER_CONFIG: docker, PATH: `${bin}:${process.env.PATH}` };
  const root = tempDir(t, 'tctop-auth-store-');

  const login = tctop(root, ['login', '-u', 'dave', '--password-stdin', authed.host], { input: 'per-registry pw\n', env });
  assert.equal(login.status, 0, login.stderr);
  assert.equal(login.stdout, 'Login Succeeded\n');
  assert.deepEqual(calls(helped), [`store {"ServerURL":"${authed.host}","Username":"dave","Secret":"per-registry pw"}`]);
  assert.deepEqual(calls(fallback), [], 'the credsStore is not asked for a registry with a helper of its own');
  const config = JSON.parse(readFileSync(configFile, 'utf8'));
  assert.deepEqual(config.auths, { [authed.host]: {} }, 'the secret stays in the helper');
  assert.deepEqual(config.credHelpers, { [authed.host]: 'tctopper' }, "the rest of docker's config is kept");

  // real docker pushes with the login tctop stored through the helper
  const ref = `${authed.host}/helped/busybox:v1`;
  dockerRmi(t, ref);
  sh('docker', ['tag', 'tctop-test/busybox:latest', ref]);
  sh('docker', ['--config', docker, 'push', '-q', ref], { env: { ...process.env, ...env }, timeoutMs: 120_000 });
  assert.ok(calls(helped).includes(`get ${authed.host}`), 'docker asked the helper');
  const before = calls(helped).length;
  const pull = tctop(root, ['pull', ref], { env });
  assert.equal(pull.status, 0, pull.stderr);
  assert.deepEqual(calls(helped).slice(before), [`get ${authed.host}`]);
  assert.equal(tctop(root, ['run', '--rm', '--network', 'none', ref, 'echo', 'helped']).stdout, 'helped\n');
  const pushed = `${authed.host}/helped/from-tctop:v2`;
  dockerRmi(t, pushed);
  assert.equal(tctop(root, ['tag', ref, pushed]).status, 0);
  const push = tctop(root, ['push', pushed], { env });
  assert.equal(push.status, 0, push.stderr);
  assert.match(push.stdout, /^v2: digest: sha256:[0-9a-f]{64} size: \d+$/m);
  assert.deepEqual(calls(helped).slice(before + 1), [`get ${authed.host}`]);
  sh('docker', ['--config', docker, 'pull', '-q', pushed], { env: { ...process.env, ...env }, timeoutMs: 120_000 });

  // a registry without a helper of its own: the credsStore is asked, finds nothing, and the pull goes anonymous
  const other = `${open.host}/anon/busybox:v1`;
  dockerRmi(t, other);
  sh('docker', ['tag', 'tctop-test/busybox:latest', other]);
  sh('docker', ['push', '-q', other], { timeoutMs: 120_000 });
  const anon = tctop(root, ['pull', other], { env });
  assert.equal(anon.status, 0, anon.stderr);
  assert.deepEqual(calls(fallback), [`get ${open.host}`]);
  assert.ok(!calls(helped).some((c) => c.includes(open.host)));

  const logout = tctop(root, ['logout', authed.host], { env });
  assert.equal(logout.stdout, `Removing login credentials for ${authed.host}\n`);
  assert.equal(calls(helped).at(-1), `erase ${authed.host}`);
  assert.deepEqual(
    readdirSync(helped).filter((f) => f !== 'calls.log'),
    [],
    'the helper holds no secret any more',
  );
  assert.deepEqual(JSON.parse(readFileSync(configFile, 'utf8')).auths, {});
  const again = tctop(root, ['logout', authed.host], { env });
  assert.equal(again.stdout, `Not logged in to ${authed.host}\n`);
  const refused = tctop(tempDir(t, 'tctop-auth-store-'), ['pull', ref], { env });
  assert.equal(refused.status, 1);
  assert.equal(refused.stderr, `tctop: ${authed.host} requires a login (tctop login ${authed.host})\n`);
  assert.deepEqual(calls(fallback), [`get ${open.host}`], 'never the credsStore for the helped registry');
});

test('a helper answering Username "<token>" holds an identity token: traded as an OAuth2 refresh token, as docker does', async (t) => {
  if (registryMissing(t, '/usr/bin/docker-registry (apt-get install docker-registry) and openssl')) return;
  const reg = await startRegistry({ token: { refreshTokens: { 'refresh-for-erin': 'erin' } } });
  t.after(() => reg.stop());
  const docker = tempDir(t, 'tctop-docker-config-');
  const bin = tempDir(t, 'tctop-helper-bin-');
  const store = tempDir(t, 'tctop-helper-store-');
  writeHelper(bin, 'tctopper', store);
  const configFile = join(docker, 'config.json');
  writeFileSync(configFile, JSON.stringify({ credHelpers: { [reg.host]: 'tctopper' } }));
  const secretFile = join(store, reg.host.replace(/[^A-Za-z0-9.]/g, '_'));
  const remember = (secret: string) =>
    writeFileSync(secretFile, JSON.stringify({ ServerURL: reg.host, Username: '<token>', Secret: secret }));
  remember('refresh-for-erin');
  const env = { DOCKER_CONFIG: docker, PATH: `${bin}:${process.env.PATH}` };
  const root = tempDir(t, 'tctop-auth-store-');
  // real docker pushes with the identity token first: the token endpoint answers docker's own OAuth2 POST
  const ref = `${reg.host}/tokened/busybox:v1`;
  dockerRmi(t, ref);
  sh('docker', ['tag', 'tctop-test/busybox:latest', ref]);
  const dockerPush = await dockerAsync(['--config', docker, 'push', '-q', ref], { ...process.env, ...env });
  assert.equal(dockerPush.status, 0, dockerPush.stderr);
  const byDocker = reg.tokenRequests.filter((q) => q.startsWith('POST ')).length;
  assert.ok(byDocker > 0, `docker traded the identity token: ${reg.tokenRequests.join('\n')}`);
  const pull = await tctopAsync(root, ['pull', ref], { env });
  assert.equal(pull.status, 0, pull.stderr);
  const mine = reg.tokenRequests.filter((q) => q.startsWith('POST ')).slice(byDocker);
  assert.equal(mine.length, 1, mine.join('\n'));
  const form = new URLSearchParams(mine[0].slice(5));
  assert.equal(form.get('grant_type'), 'refresh_token');
  assert.equal(form.get('refresh_token'), 'refresh-for-erin');
  assert.equal(form.get('service'), 'tctop-test-registry');
  assert.equal(form.get('scope'), 'repository:tokened/busybox:pull');
  const pushed = `${reg.host}/tokened/again:v1`;
  assert.equal(tctop(root, ['tag', ref, pushed]).status, 0);
  const push = await tctopAsync(root, ['push', pushed], { env });
  assert.equal(push.status, 0, push.stderr);
  assert.equal(tctop(root, ['run', '--rm', '--network', 'none', ref, 'echo', 'by token']).stdout, 'by token\n');
  // a token the endpoint does not know: refused, naming where it came from
  remember('stale-token');
  const stale = await tctopAsync(tempDir(t, 'tctop-auth-store-'), ['pull', ref], { env });
  assert.equal(stale.status, 1);
  assert.equal(stale.stderr, `tctop: ${reg.host}: the identity token from the credential store was refused (log in again)\n`);
});
