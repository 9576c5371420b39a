// docker's reference rules, the WWW-Authenticate grammar, platforms and manifests as the registry client reads them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChallenge } from '../../../../src/engine/registry/auth.js';
import { choosePlatform, parseManifest, parsePlatform } from '../../../../src/engine/registry/manifest.js';
import { authKey, normalizeRegistryArg, parseRemoteReference } from '../../../../src/engine/registry/reference.js';
import { allowsPlainHttp, isLoopback } from '../../../../src/engine/registry/tls.js';
import { units } from '../../../../src/engine/registry/progress.js';

const D = 'sha256:' + 'ab'.repeat(32);

test('references: docker.io/library by default, registries with a dot, colon or localhost, tags and digests', () => {
  assert.deepEqual(parseRemoteReference('busybox'), {
    registry: 'docker.io',
    repository: 'library/busybox',
    tag: 'latest',
    digest: undefined,
    storeRef: 'busybox:latest',
    fullName: 'docker.io/library/busybox',
  });
  assert.equal(parseRemoteReference('docker.io/library/busybox:1.36').storeRef, 'busybox:1.36');
  assert.equal(parseRemoteReference('index.docker.io/team/app').repository, 'team/app');
  assert.equal(parseRemoteReference('team/app:v1').fullName, 'docker.io/team/app');
  const local = parseRemoteReference('localhost:5000/x');
  assert.deepEqual(
    [local.registry, local.repository, local.tag, local.storeRef],
    ['localhost:5000', 'x', 'latest', 'localhost:5000/x:latest'],
  );
  assert.equal(parseRemoteReference('localhost/a/b:c').registry, 'localhost');
  assert.equal(parseRemoteReference('registry.example.com/a').registry, 'registry.example.com');
  const pinned = parseRemoteReference(`127.0.0.1:5000/x@${D}`);
  assert.deepEqual([pinned.tag, pinned.digest, pinned.storeRef], [undefined, D, undefined]);
  assert.equal(parseRemoteReference(`x:v2@${D}`).tag, 'v2');
  assert.throws(() => parseRemoteReference('x@sha256:abc'), /the digest must be sha256:<64 hex digits>/);
  assert.throws(() => parseRemoteReference('Upper/case'), /invalid image reference/);
  assert.throws(() => parseRemoteReference('x:-bad'), /a tag is/);
});

test('registry names for login and config.json keys (Docker Hub keeps its legacy URL)', () => {
  assert.equal(normalizeRegistryArg(undefined), 'docker.io');
  assert.equal(normalizeRegistryArg('https://127.0.0.1:5000/v2/'), '127.0.0.1:5000');
  assert.equal(authKey('docker.io'), 'https://index.docker.io/v1/');
  assert.equal(authKey('localhost:5000'), 'localhost:5000');
  assert.throws(() => normalizeRegistryArg('bad host'), /invalid registry/);
});

test('WWW-Authenticate challenges: Bearer with quoted params and escapes, Basic', () => {
  assert.deepEqual(
    parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"'),
    {
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' },
    },
  );
  assert.deepEqual(parseChallenge('Basic realm="Registry \\"x\\""'), { scheme: 'basic', params: { realm: 'Registry "x"' } });
  assert.equal(parseChallenge(undefined), undefined);
});

test('plain HTTP only for loopback and the registries named insecure', () => {
  assert.ok(isLoopback('127.0.0.1:5000') && isLoopback('127.4.5.6') && isLoopback('localhost:1') && isLoopback('[::1]:5000'));
  assert.ok(!isLoopback('10.0.0.1:5000') && !isLoopback('registry.example.com'));
  assert.ok(allowsPlainHttp('reg.lan:5000', new Set(['reg.lan:5000'])));
  assert.ok(allowsPlainHttp('reg.lan:5000', new Set(['reg.lan'])));
  assert.ok(!allowsPlainHttp('reg.lan:5000', new Set()));
});

test('platforms: linux/<host arch> by default, variants, a clear error for none', () => {
  assert.equal(parsePlatform(undefined).os, 'linux');
  assert.deepEqual(parsePlatform('linux/aarch64'), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(parsePlatform('linux/arm/v7'), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.throws(() => parsePlatform('amd64'), /expected os\/arch/);
  const index = {
    kind: 'index' as const,
    manifests: [
      { mediaType: '', digest: D, size: 1, platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: '', digest: 'sha256:' + 'cd'.repeat(32), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
      { mediaType: '', digest: 'sha256:' + 'ef'.repeat(32), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
    ],
  };
  assert.equal(choosePlatform(index, parsePlatform('linux/amd64'), 'x').digest, D);
  assert.equal(choosePlatform(index, parsePlatform('linux/arm/v6'), 'x').digest, 'sha256:' + 'ef'.repeat(32));
  assert.throws(
    () => choosePlatform(index, parsePlatform('linux/ppc64le'), 'img'),
    /img has no image for platform linux\/ppc64le \(it offers linux\/amd64, linux\/arm\/v7, linux\/arm\/v6\)/,
  );
});

test('manifests: image, index, schema 1 refused, bad digests and zstd layers refused', () => {
  const image = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { digest: D, size: 2 },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: D, size: 3 }],
    }),
  );
  assert.equal(parseManifest(image, undefined, 'm').kind, 'image');
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ digest: D, size: 1 }] }));
  assert.equal(parseManifest(index, 'application/vnd.oci.image.index.v1+json', 'm').kind, 'index');
  assert.throws(() => parseManifest(Buffer.from('{"schemaVersion":1}'), undefined, 'm'), /schema 1/);
  assert.throws(() => parseManifest(Buffer.from('{"config":{"digest":"md5:x","size":1},"layers":[]}'), undefined, 'm'), /invalid digest/);
  const zstd = Buffer.from(
    JSON.stringify({
      config: { digest: D, size: 1 },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', digest: D, size: 1 }],
    }),
  );
  assert.throws(() => parseManifest(zstd, undefined, 'm'), /only tar and gzip layers/);
  assert.throws(() => parseManifest(Buffer.from('not json'), undefined, 'm'), /not valid JSON/);
});

test('sizes as docker prints them', () => {
  assert.equal(units(999), '999B');
  assert.equal(units(1234567), '1.23MB');
  assert.equal(units(2_000_000_000), '2GB');
});
