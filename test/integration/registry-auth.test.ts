// Logins against real registries: TLS with a CA the test makes (trusted through docker's /etc/docker/certs.d, by
// docker and by tctop) and htpasswd basic auth; a registry with `auth: token` and a local token endpoint (the real
// bearer flow); docker's config.json shared with real docker; a credential helper; wrong passwords refused.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { sh } from '../helpers/prereq.js';
import { dockerRmi, registryMissing, startRegistry, tctop, tctopAsync, tempDir, trustInDocker } from './registry-harness.js';

function loadAs(t: TestContext, root: string, ref: string): void {
  const archive = join(tempDir(t, 'tctop-auth-save-'), 'image.tar');
  sh('docker', ['tag', 'tctop-test/busybox:latest', ref]);
  sh('docker', ['save', '-o', archive, ref]);
  sh('docker', ['rmi', ref]);
  const load = tctop(root, ['load', '-q', '-i', archive]);
  assert.equal(load.status, 0, load.stderr);
}

test("TLS + htpasswd: wrong password refused, login kept in docker's config.json (0600) that real docker uses, pull and push over certs.d", async (t) => {
  if (registryMissing(t, '/usr/bin/docker-registry (apt-get install docker-registry) and openssl')) return;
  const reg = await startRegistry({ tls: true, users: { alice: 'wonder land' } });
  t.after(() => reg.stop());
  const docker = tempDir(t, 'tctop-docker-config-');
  const env = { DOCKER_CONFIG: docker };
  const root = tempDir(t, 'tctop-auth-store-');
  // not trusted yet: a clear TLS error, no fallback to plain HTTP
  const untrusted = tctop(root, ['login', '-u', 'alice', '--password-stdin', reg.host], { input: 'wonder land\n', env });
  assert.equal(untrusted.status, 1);
  assert.match(
    untrusted.stderr,
    new RegExp(`^tctop: cannot reach registry ${reg.host}: TLS certificate not trusted .*/etc/docker/certs.d/${reg.host}/ca.crt\\n$`),
  );
  t.after(trustInDocker(reg));

  const wrong = tctop(root, ['login', '-u', 'alice', '-p', 'wrong', reg.host], { env });
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /WARNING! Using --password via the CLI is insecure/);
  assert.match(wrong.stderr, new RegExp(`tctop: ${reg.host}: authentication failed .*wrong username or password`));
  assert.ok(!existsSync(join(docker, 'config.json')), 'a refused login stores nothing');
  const anonymous = tctop(root, ['pull', `${reg.host}/private:v1`], { env });
  assert.equal(anonymous.status, 1);
  assert.match(anonymous.stderr, new RegExp(`^tctop: ${reg.host} requires a login \\(tctop login ${reg.host}\\)\\n$`));

  const ok = tctop(root, ['login', '-u', 'alice', '--password-stdin', reg.host], { input: 'wonder land\n', env });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout, 'Login Succeeded\n');
  const configFile = join(docker, 'config.json');
  assert.equal(statSync(configFile).mode & 0o777, 0o600);
  const config = JSON.parse(readFileSync(configFile, 'utf8'));
  assert.equal(Buffer.from(config.auths[reg.host].auth, 'base64').toString(), 'alice:wonder land');

  // real docker pushes with tctop's login, tctop pulls it over TLS and runs it
  const ref = `${reg.host}/private:v1`;
  dockerRmi(t, ref);
  sh('docker', ['tag', 'tctop-test/busybox:latest', ref]);
  sh('docker', ['--config', docker, 'push', '-q', ref]);
  const pull = tctop(root, ['pull', ref], { env });
  assert.equal(pull.status, 0, pull.stderr);
  const run = tctop(root, ['run', '--rm', '--network', 'none', ref, 'echo', 'over tls']);
  assert.equal(run.stdout, 'over tls\n', run.stderr);

  // tctop pushes an image docker does not have; docker pulls it with the same login
  const pushed = `${reg.host}/from-tctop:v2`;
  dockerRmi(t, pushed);
  loadAs(t, root, pushed);
  const push = tctop(root, ['push', pushed], { env });
  assert.equal(push.status, 0, push.stderr);
  assert.match(push.stdout, /^v2: digest: sha256:[0-9a-f]{64} size: \d+$/m);
  sh('docker', ['--config', docker, 'pull', '-q', pushed]);
  assert.equal(sh('docker', ['run', '--rm', '--pull', 'never', pushed, 'echo', 'docker ran it']), 'docker ran it\n');

  const out = tctop(root, ['logout', reg.host], { env });
  assert.equal(out.stdout, `Removing login credentials for ${reg.host}\n`);
  assert.equal(JSON.parse(readFileSync(configFile, 'utf8')).auths[reg.host], undefined);
  assert.equal(tctop(root, ['logout', reg.host], { env }).stdout, `Not logged in to ${reg.host}\n`);
  assert.equal(tctop(tempDir(t, 'tctop-auth-store-'), ['pull', ref], { env }).status, 1);
});

test("a registry requiring a client certificate: refused without one, served with certs.d's client.cert/client.key", async (t) => {
  if (registryMissing(t, '/usr/bin/docker-registry (apt-get install docker-registry) and openssl')) return;
  const reg = await startRegistry({ tls: true, clientCert: true });
  t.after(() => reg.stop());
  const root = tempDir(t, 'tctop-auth-store-');
  const ref = `${reg.host}/mtls:v1`;
  dockerRmi(t, ref);
  loadAs(t, root, ref);
  const untrust = trustInDocker(reg);
  t.after(untrust); // the same directory: removing it twice is harmless
  const refused = tctop(root, ['push', ref]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, new RegExp(`^tctop: cannot reach registry ${reg.host}: the registry requires a client certificate`));
  untrust();
  t.after(trustInDocker(reg, true));
  const push = tctop(root, ['push', ref]);
  assert.equal(push.status, 0, push.stderr);
  const fresh = tempDir(t, 'tctop-auth-store-');
  const pull = tctop(fresh, ['pull', '-q', ref]);
  assert.equal(pull.status, 0, pull.stderr);
  assert.equal(pull.stdout, `${ref}\n`);
});

test("a credential helper (credsStore) is used for store, get and erase with docker's protocol", async (t) => {
  if (registryMissing(t, '/usr/bin/docker-registry (apt-get install docker-registry) and openssl')) return;
  const reg = await startRegistry({ users: { carol: 'helper-pw' } });
  t.after(() => reg.stop());
  const docker = tempDir(t, 'tctop-docker-config-');
  const bin = tempDir(t, 'tctop-helper-bin-');
  const secrets = join(bin, 'secrets.json');
  const log = join(bin, 'calls.log');
  const helper = join(bin, 'docker-credential-tctoptest');
  writeFileSync(
    helper,
    `#!/bin/sh\nread -r input || true\necho "$1 $input" >> ${log}\ncase "$1" in\n` +
      `get) if [ -f ${secrets} ]; then cat ${secrets}; else echo "credentials not found in native keychain"; exit 1; fi;;\n` +
      `store) printf '%s' "$input" > ${secrets};;\nerase) rm -f ${secrets};;\nesac\n`,
  );
  chmodSync(helper, 0o755);
  writeFileSync(join(docker, 'config.json'), JSON.stringify({ credsStore: 'tctoptest' }));
  const env = { DOCKER_CONFIG: docker, PATH: `${bin}:${process.env.PATH}` };
  const root = tempDir(t, 'tctop-auth-store-');
  const ref = `${reg.host}/helped:v1`;
  dockerRmi(t, ref);
  loadAs(t, root, ref);
  assert.equal(tctop(root, ['login', '-u', 'carol', '--password-stdin', reg.host], { input: 'helper-pw', env }).status, 0);
  assert.deepEqual(JSON.parse(readFileSync(secrets, 'utf8')), { ServerURL: reg.host, Username: 'carol', Secret: 'helper-pw' });
  const config = JSON.parse(readFileSync(join(docker, 'config.json'), 'utf8'));
  assert.deepEqual(config.auths[reg.host], {}, 'the secret stays in the helper');
  const push = tctop(root, ['push', ref], { env });
  assert.equal(push.status, 0, push.stderr);
  assert.match(readFileSync(log, 'utf8'), new RegExp(`^get ${reg.host}$`, 'm'));
  assert.equal(tctop(root, ['logout', reg.host], { env }).status, 0);
  assert.ok(!existsSync(secrets));
  assert.match(readFileSync(log, 'utf8'), new RegExp(`^erase ${reg.host}$`, 'm'));
});

test('auth: token: the bearer flow against the real registry and a local token endpoint (anonymous refused, login, push, pull)', async (t) => {
  if (registryMissing(t, '/usr/bin/docker-registry (apt-get install docker-registry) and openssl')) return;
  const reg = await startRegistry({ token: {}, users: { bob: 'b0b-pass' } });
  t.after(() => reg.stop());
  const docker = tempDir(t, 'tctop-docker-config-');
  const env = { DOCKER_CONFIG: docker };
  const root = tempDir(t, 'tctop-auth-store-');
  const ref = `${reg.host}/tokened:v1`;
  dockerRmi(t, ref);
  loadAs(t, root, ref);
  const anonymous = await tctopAsync(root, ['push', ref], { env });
  assert.equal(anonymous.status, 1);
  assert.equal(anonymous.stderr, `tctop: ${reg.host}: anonymous access refused (tctop login first)\n`);
  const wrong = await tctopAsync(root, ['login', '-u', 'bob', '--password-stdin', reg.host], { input: 'nope', env });
  assert.equal(wrong.status, 1);
  assert.equal(wrong.stderr, `tctop: ${reg.host}: login refused for user "bob" (wrong username or password?)\n`);
  assert.equal((await tctopAsync(root, ['login', '-u', 'bob', '--password-stdin', reg.host], { input: 'b0b-pass', env })).status, 0);
  const push = await tctopAsync(root, ['push', ref], { env });
  assert.equal(push.status, 0, push.stderr);
  assert.ok(
    reg.tokenRequests.some((q) => q.includes('scope=repository%3Atokened%3Apull%2Cpush') && q.includes('service=tctop-test-registry')),
    reg.tokenRequests.join('\n'),
  );
  const fresh = tempDir(t, 'tctop-auth-store-');
  const pull = await tctopAsync(fresh, ['pull', ref], { env });
  assert.equal(pull.status, 0, pull.stderr);
  assert.ok(
    reg.tokenRequests.some((q) => q.includes('scope=repository%3Atokened%3Apull&')),
    reg.tokenRequests.join('\n'),
  );
  assert.equal(tctop(fresh, ['run', '--rm', '--network', 'none', ref, 'echo', 'bearer']).stdout, 'bearer\n');
});
