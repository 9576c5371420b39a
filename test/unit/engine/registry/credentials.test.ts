// docker's config.json as tctop reads and writes it: base64 auths, 0600, DOCKER_CONFIG, other keys kept.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { eraseCredentials, getCredentials, storeCredentials } from '../../../../src/engine/registry/credentials.js';

test('store, read back, erase; mode 0600; unrelated keys survive; Docker Hub under its legacy key', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-dockercfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { DOCKER_CONFIG: dir };
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ auths: { 'other:1': { auth: Buffer.from('o:p').toString('base64') } }, psFormat: 'table {{.ID}}' }),
  );
  assert.equal(await getCredentials('localhost:5000', env), undefined);
  await storeCredentials('localhost:5000', { username: 'u', password: 'p:with:colons' }, env);
  const file = join(dir, 'config.json');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(doc.psFormat, 'table {{.ID}}');
  assert.equal(doc.auths['localhost:5000'].auth, Buffer.from('u:p:with:colons').toString('base64'));
  assert.deepEqual(await getCredentials('localhost:5000', env), { username: 'u', password: 'p:with:colons' });
  assert.deepEqual(await getCredentials('other:1', env), { username: 'o', password: 'p' });
  await storeCredentials('docker.io', { username: 'hub', password: 'x' }, env);
  assert.ok(JSON.parse(readFileSync(file, 'utf8')).auths['https://index.docker.io/v1/']);
  assert.equal(await eraseCredentials('localhost:5000', env), true);
  assert.equal(await eraseCredentials('localhost:5000', env), false);
  assert.equal(await getCredentials('localhost:5000', env), undefined);
});

test('a broken config.json is a clear error', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-dockercfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'config.json'), '{not json');
  await assert.rejects(getCredentials('x:1', { DOCKER_CONFIG: dir }), /config\.json is not valid JSON/);
});

test("an auths entry's identitytoken is an identity token, not a password", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-dockercfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { 'reg:1': { auth: '', identitytoken: 'refresh-1' } } }));
  assert.deepEqual(await getCredentials('reg:1', { DOCKER_CONFIG: dir }), { username: '', password: '', identityToken: 'refresh-1' });
});
