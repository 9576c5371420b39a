// The rootfs reader on a fixture /proc: one mountinfo read per mount namespace, a reused PID (another namespace by
// the time its table is read) refused, a vanished init answered with nothing, and forgotten namespaces dropped; the
// inspect text of a hostile mount escapes it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { rootfsLines } from '../../../src/cli/print/rootfs-text.js';
import { hostPaths } from '../../../src/host/paths.js';
import type { Container } from '../../../src/snapshot/model.js';
import { RootfsReader } from '../../../src/snapshot/rootfs/rootfs-reader.js';

const MNT = 4026532999;

function fixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'tctop-rootfs-reader-'));
  mkdirSync(join(root, 'proc/1'), { recursive: true });
  writeFileSync(join(root, 'proc/1/mountinfo'), '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n');
  mkdirSync(join(root, 'proc/42/ns'), { recursive: true });
  symlinkSync(`mnt:[${MNT}]`, join(root, 'proc/42/ns/mnt'));
  writeFileSync(
    join(root, 'proc/42/mountinfo'),
    [
      '75 51 0:40 / / rw - overlay overlay rw,lowerdir=/var/lib/tctop/images/layers/sha256/' +
        'a'.repeat(64) +
        '/root,upperdir=/u,workdir=/w',
      '92 75 254:0 /srv/\\033]2;PWNED\\007 /data rw - ext4 /dev/vda rw',
    ].join('\n'),
  );
  return root;
}

const container = (pid: number, mnt = MNT): Container => ({
  id: 'c'.repeat(64),
  name: 'c',
  runtime: 'tctop',
  image: 'bb',
  state: 'running',
  labels: {},
  shim: null,
  init: { hostPid: pid, containerPid: 1 },
  pids: [pid],
  namespaces: [{ type: 'mnt', inode: mnt, sharedWithHost: false }],
  cgroup: null,
  network: null,
  startedAt: null,
  createdAt: null,
  extra: {},
});

test('read once per mount namespace, named by the runtime, forgotten with its container', (t) => {
  const root = fixture();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const reader = new RootfsReader(hostPaths(root));
  const c = container(42);
  const r = reader.of(c)!;
  assert.equal(r.kind, 'overlay');
  assert.equal(r.lower[0].digest, `sha256:${'a'.repeat(64)}`);
  assert.equal(r.upper, '/u');
  assert.equal(r.mounts[0].source, '/srv/\u001b]2;PWNED\u0007');
  assert.equal(reader.of(c), r);
  assert.equal(reader.reads, 1);
  reader.retain([]);
  reader.of(c);
  assert.equal(reader.reads, 2);
});

test('a PID now in another mount namespace, a vanished init, a stopped container: no rootfs', (t) => {
  const root = fixture();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const reader = new RootfsReader(hostPaths(root));
  assert.equal(reader.of(container(42, MNT + 1)), undefined);
  assert.equal(reader.of(container(4242)), undefined);
  assert.equal(reader.of({ ...container(42), init: null }), undefined);
  const shared = reader.of({ ...container(42), namespaces: [{ type: 'mnt', inode: 1, sharedWithHost: true }] });
  assert.equal(shared?.kind, 'host');
});

test('inspect text escapes what a container put in its mount paths', (t) => {
  const root = fixture();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const rootfs = new RootfsReader(hostPaths(root)).of(container(42))!;
  const text = rootfsLines({ rootfs, sizeRw: 12288 }, (l) => `  ${`${l}:`.padEnd(12)}`).join('\n');
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f]/, 'no control character but newlines');
  assert.match(text, /\/srv\/\\e\]2;PWNED\\x07/);
  assert.match(text, /Upper dir: {2}\/u {2}on \/dev\/vda {2}size 12KiB/);
  assert.match(text, new RegExp(`Layer: {6}sha256:${'a'.repeat(64)}`));
});
