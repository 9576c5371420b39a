// The exporter-toolkit web config: parsing, strictness, basic auth against bcrypt, and TLS on a real socket.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import bcrypt from 'bcryptjs';
import { UsageError } from '../../../src/errors.js';
import { BasicAuth, parseBasic } from '../../../src/exporter/basic-auth.js';
import { COLLECTORS } from '../../../src/exporter/families/index.js';
import { DEFAULT_LISTEN, parseListenAddress } from '../../../src/exporter/listen-address.js';
import { MetricsRenderer } from '../../../src/exporter/renderer.js';
import { createExporterServer, listen } from '../../../src/exporter/server.js';
import { loadWebConfig, parseWebConfig, type WebConfig } from '../../../src/exporter/web-config.js';
import { hasCommand, missing } from '../../helpers/prereq.js';
import { FixedSnapshot, fixtureSnapshot } from './snapshot-fixture.js';

const HASH = bcrypt.hashSync('s3cret', 4);
const basic = (user: string, pw: string): string => 'Basic ' + Buffer.from(`${user}:${pw}`).toString('base64');

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-webcfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function serve(t: TestContext, web: WebConfig): Promise<number> {
  const server = createExporterServer({ renderer: new MetricsRenderer(new FixedSnapshot(fixtureSnapshot()), COLLECTORS), web });
  const { port } = await listen(server, '127.0.0.1', 0);
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return port;
}

test('listen addresses: default, host:port, [v6]:port, and bad values', () => {
  assert.deepEqual(parseListenAddress(DEFAULT_LISTEN), { host: '', port: 9777 });
  assert.deepEqual(parseListenAddress('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(parseListenAddress('[::1]:9777'), { host: '::1', port: 9777 });
  for (const bad of ['9777', 'host:', ':70000', 'a:b', '::1:80']) assert.throws(() => parseListenAddress(bad), UsageError, bad);
});

test('empty config, basic_auth_users, and strict rejection of unknown keys and non-bcrypt values', () => {
  assert.deepEqual(parseWebConfig('', '/'), {});
  const cfg = parseWebConfig(`basic_auth_users:\n  prom: '${HASH}'\n`, '/');
  assert.equal(cfg.basicAuthUsers?.get('prom'), HASH);
  assert.throws(() => parseWebConfig('basic_auth_user:\n  a: b\n', '/'), /unsupported key "basic_auth_user"/);
  assert.throws(() => parseWebConfig('basic_auth_users:\n  prom: plaintext\n', '/'), /not a bcrypt hash/);
  assert.throws(() => parseWebConfig('tls_server_config:\n  cert_file: a.pem\n', '/'), /both cert_file and key_file/);
  assert.throws(
    () => parseWebConfig('tls_server_config: {cert_file: a, key_file: b, client_ca_file: c}\n', '/'),
    /unsupported key "client_ca_file"/,
  );
  assert.throws(() => parseWebConfig(': : :\n  - [', '/'), UsageError);
  assert.throws(() => loadWebConfig('/nonexistent/web.yml'), /cannot read web config file/);
});

test('basic auth: right password passes, wrong password and unknown users do not', async () => {
  const auth = new BasicAuth(new Map([['prom', HASH]]));
  assert.equal(await auth.check(basic('prom', 's3cret')), true);
  assert.equal(await auth.check(basic('prom', 's3cret')), true, 'cached');
  assert.equal(await auth.check(basic('prom', 'wrong')), false);
  assert.equal(await auth.check(basic('nobody', 's3cret')), false);
  assert.equal(await auth.check(undefined), false);
  assert.equal(await auth.check('Bearer abc'), false);
  assert.deepEqual(parseBasic(basic('a', 'b:c')), { user: 'a', password: 'b:c' });
});

test('a server with basic_auth_users answers 401 without and 200 with credentials', async (t) => {
  const port = await serve(t, { basicAuthUsers: new Map([['prom', HASH]]) });
  const url = `http://127.0.0.1:${port}/metrics`;
  const denied = await fetch(url);
  assert.equal(denied.status, 401);
  assert.match(denied.headers.get('www-authenticate') ?? '', /^Basic/);
  assert.equal((await fetch(url, { headers: { Authorization: basic('prom', 'bad') } })).status, 401);
  assert.equal((await fetch(url, { headers: { Authorization: basic('prom', 's3cret') } })).status, 200);
});

test('tls_server_config serves HTTPS with the configured certificate (relative paths from the config file)', async (t) => {
  if (missing(t, hasCommand('openssl'), 'openssl')) return;
  const dir = tempDir(t);
  const r = spawnSync(
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
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  assert.equal(r.status, 0);
  writeFileSync(
    join(dir, 'web.yml'),
    `tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  min_version: TLS12\nbasic_auth_users:\n  prom: '${HASH}'\n`,
  );
  const port = await serve(t, loadWebConfig(join(dir, 'web.yml')));
  const ca = readFileSync(join(dir, 'cert.pem'));
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/metrics', ca, headers: { Authorization: basic('prom', 's3cret') } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 200);
  assert.match(body, /^machine_cpu_cores 2$/m);
  await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`), 'plain HTTP is not served on the TLS port');
});
