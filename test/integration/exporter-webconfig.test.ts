// `tctop serve --web.config.file` with TLS and basic auth, scraped by a real Prometheus configured the way the
// deploy docs say (scheme https, tls_config.ca_file, basic_auth): the right credentials are up, wrong ones are not.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import bcrypt from 'bcryptjs';
import { hasCommand, missing } from '../helpers/prereq.js';
import { startPrometheus, startServe, valueOf, waitFor } from './exporter-harness.js';

test('Prometheus scrapes tctop serve over TLS with basic auth', { timeout: 90_000 }, async (t) => {
  if (missing(t, hasCommand('prometheus') && hasCommand('openssl'), 'prometheus and openssl')) return;
  const dir = mkdtempSync(join(tmpdir(), 'tctop-webcfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const gen = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  assert.equal(gen.status, 0);
  writeFileSync(
    join(dir, 'web.yml'),
    `tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\nbasic_auth_users:\n  prometheus: '${bcrypt.hashSync('correct horse', 10)}'\n`,
  );
  writeFileSync(join(dir, 'good.pw'), 'correct horse');
  writeFileSync(join(dir, 'bad.pw'), 'wrong horse');

  const serve = await startServe(t, ['--web.config.file', join(dir, 'web.yml')]);
  assert.match(serve.stderr(), /serving https:\/\/127\.0\.0\.1:\d+\/metrics/);
  const job = (name: string, pw: string): string =>
    `  - job_name: ${name}\n    scheme: https\n    tls_config: { ca_file: ${join(dir, 'cert.pem')} }\n    basic_auth: { username: prometheus, password_file: ${join(dir, pw)} }\n    static_configs:\n      - targets: ['127.0.0.1:${serve.port}']\n`;
  const prom = await startPrometheus(t, serve.port, job('good', 'good.pw') + job('bad', 'bad.pw'));

  await waitFor('the good job up', 30_000, async () => (valueOf(await prom.query('up{job="good"}')) === 1 ? true : undefined));
  await waitFor('the bad job scraped', 30_000, async () => (valueOf(await prom.query('up{job="bad"}')) === 0 ? true : undefined));
  assert.ok((valueOf(await prom.query('machine_cpu_cores{job="good"}')) ?? 0) >= 1);
  assert.equal((await prom.query('machine_cpu_cores{job="bad"}')).length, 0);
});
