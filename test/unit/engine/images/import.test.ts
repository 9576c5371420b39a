// tctop import: one-layer images from rootfs tars, --change, names, and concurrent imports through the real CLI.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../../../../src/errors.js';
import { importRootfs, listImages, resolveImage } from '../../../../src/engine/images/index.js';
import { applyChanges } from '../../../../src/engine/images/changes.js';
import { parseReference } from '../../../../src/engine/images/reference.js';
import { buildTar, gzip, sha256 } from './tar-builder.js';
import { storeFiles, tempRoot, writeTemp } from './store-fixture.js';

const rootfs = buildTar([
  { path: 'bin/', type: 'dir' },
  { path: 'bin/sh', content: 'sh', mode: 0o755 },
]);

test('import makes a one-layer image whose diff_id is the tar digest, with --change applied', async (t) => {
  const root = tempRoot(t);
  const img = await importRootfs(root, writeTemp(t, 'r.tar.gz', gzip(rootfs)), {
    ref: 'imported/app:v1',
    changes: [
      'CMD ["/bin/sh", "-c", "echo hi"]',
      'ENV A=1 B="two words"',
      'ENV A=3',
      'WORKDIR /srv',
      'USER 1000:1000',
      'ENTRYPOINT /bin/sh',
    ],
  });
  const image = resolveImage(root, 'imported/app:v1');
  assert.equal(image.id, img.id);
  assert.equal(image.id, sha256(readFileSync(join(root, 'images/configs/sha256', `${img.id.slice(7)}.json`))));
  assert.deepEqual(image.layerDirs, [join(root, 'images/layers/sha256', sha256(rootfs).slice(7), 'root')]);
  assert.deepEqual(image.config, {
    Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'B=two words', 'A=3'],
    Cmd: ['/bin/sh', '-c', 'echo hi'],
    Entrypoint: ['/bin/sh', '-c', '/bin/sh'],
    WorkingDir: '/srv',
    User: '1000:1000',
  });
});

test('bad names and bad --change are refused before anything is read or written', async (t) => {
  const root = tempRoot(t);
  const file = writeTemp(t, 'r.tar', rootfs);
  await assert.rejects(importRootfs(root, file, { ref: 'UPPER:case' }), UsageError);
  await assert.rejects(importRootfs(root, file, { ref: 'x:-bad' }), /invalid image reference/);
  await assert.rejects(importRootfs(root, file, { ref: 'x@sha256:00' }), /digest references are not supported/);
  await assert.rejects(importRootfs(root, file, { changes: ['RUN rm -rf /'] }), /supported instructions are CMD/);
  await assert.rejects(importRootfs(root, file, { changes: ['WORKDIR relative'] }), /absolute path/);
  assert.deepEqual(storeFiles(root), []);
});

test('reference parsing follows docker', () => {
  assert.deepEqual(parseReference('busybox'), { name: 'busybox', tag: 'latest' });
  assert.deepEqual(parseReference('localhost:5000/a/b:1.0'), { name: 'localhost:5000/a/b', tag: '1.0' });
  assert.deepEqual(parseReference('docker.io/library/x:y'), { name: 'x', tag: 'y' });
  for (const bad of ['', 'a//b', 'a:', '-a', 'a b', 'a:' + 'x'.repeat(129)]) assert.throws(() => parseReference(bad), UsageError, bad);
  assert.deepEqual(applyChanges({}, ['env K V with spaces']), { Env: ['K=V with spaces'] });
});

test('concurrent imports from separate processes all register (store lock, atomic repositories.json)', async (t) => {
  const root = tempRoot(t);
  const file = writeTemp(t, 'r.tar', rootfs);
  const bin = join(process.cwd(), 'bin', 'tctop');
  const run = (tag: string) =>
    new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, 'import', file, `para:${tag}`], {
        env: { ...process.env, TCTOP_ROOT: root },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (code) => resolve({ code, err }));
    });
  const results = await Promise.all(['1', '2', '3', '4', '5', '6'].map(run));
  for (const r of results) assert.equal(r.code, 0, r.err);
  const refs = listImages(root)
    .flatMap((i) => i.refs)
    .sort();
  assert.deepEqual(refs, ['para:1', 'para:2', 'para:3', 'para:4', 'para:5', 'para:6']);
  assert.equal(storeFiles(root).filter((f) => f.endsWith('meta.json')).length, 1, 'the shared layer is stored once');
  assert.deepEqual(
    storeFiles(root).filter((f) => f.startsWith('tmp/') || f.includes('.tmp')),
    [],
  );
});
