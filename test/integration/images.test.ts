// The image store against the real thing: docker save archives from the local dockerd (file and stdin), a two-layer
// image with real whiteouts stacked in a real overlay mount, a busybox-static rootfs run with chroot, the CLI.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { resolveImage } from '../../src/engine/images/index.js';
import { dockerAvailable, dockerRm, TEST_IMAGE, testImagePresent } from '../helpers/docker.js';
import { hasCommand, isRoot, missing, sh } from '../helpers/prereq.js';

function tempDir(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function tctop(root: string, args: string[], input?: Buffer) {
  return spawnSync(process.execPath, ['bin/tctop', ...args], {
    encoding: 'utf8',
    input,
    env: { ...process.env, TCTOP_ROOT: root },
    timeout: 60_000,
    maxBuffer: 64 << 20,
  });
}

function needDocker(t: TestContext): boolean {
  return missing(t, isRoot(), 'root') || missing(t, dockerAvailable(), 'docker') || missing(t, testImagePresent(), TEST_IMAGE);
}

test("a real `docker save` loads from a file; the image ID and config match docker's", async (t) => {
  if (needDocker(t)) return;
  const root = tempDir(t, 'tctop-store-');
  const archive = join(tempDir(t, 'tctop-save-'), 'busybox.tar');
  sh('docker', ['save', '-o', archive, TEST_IMAGE]);
  const r = tctop(root, ['load', '-i', archive]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `Loaded image: ${TEST_IMAGE}\n`);
  const dockerId = sh('docker', ['image', 'inspect', '--format', '{{.Id}}', TEST_IMAGE]).trim();
  const dockerConfig = JSON.parse(sh('docker', ['image', 'inspect', '--format', '{{json .Config}}', TEST_IMAGE]));
  const image = resolveImage(root, TEST_IMAGE);
  assert.equal(image.id, dockerId);
  assert.deepEqual(image.config.Cmd ?? null, dockerConfig.Cmd ?? null);
  assert.deepEqual(image.config.Env ?? null, dockerConfig.Env ?? null);
  assert.ok(existsSync(join(image.layerDirs[0], 'bin/busybox')));
  assert.equal(resolveImage(root, dockerId.slice(7, 19)).id, dockerId);
  const list = JSON.parse(tctop(root, ['images', '--json']).stdout);
  assert.deepEqual(
    list.map((i: { refs: string[] }) => i.refs),
    [[TEST_IMAGE]],
  );
  assert.match(
    tctop(root, ['images']).stdout,
    new RegExp(`^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE\\ntctop-test/busybox +latest +${dockerId.slice(7, 19)} `),
  );
  // loading again is idempotent
  assert.equal(tctop(root, ['load', '-i', archive]).status, 0);
  const rmi = tctop(root, ['rmi', TEST_IMAGE]);
  assert.equal(rmi.stdout, `Untagged: ${TEST_IMAGE}\nDeleted: ${dockerId}\n`);
  assert.deepEqual(readdirSync(join(root, 'images/layers/sha256')), []);
});

test('docker save piped into tctop load on stdin', async (t) => {
  if (needDocker(t)) return;
  const root = tempDir(t, 'tctop-store-');
  const save = spawn('docker', ['save', TEST_IMAGE], { stdio: ['ignore', 'pipe', 'inherit'] });
  const load = spawn(process.execPath, ['bin/tctop', 'load'], {
    env: { ...process.env, TCTOP_ROOT: root },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  save.stdout.pipe(load.stdin);
  let out = '';
  let err = '';
  load.stdout.on('data', (d) => (out += d));
  load.stderr.on('data', (d) => (err += d));
  const code = await new Promise((resolve) => load.on('close', resolve));
  assert.equal(code, 0, err);
  assert.equal(out, `Loaded image: ${TEST_IMAGE}\n`);
});

test('a committed container layer with whiteouts hides deleted files when stacked in a real overlay mount', async (t) => {
  if (needDocker(t) || missing(t, hasCommand('mount'), 'mount')) return;
  const suffix = randomBytes(4).toString('hex');
  const first = `tctop-test-images-a-${suffix}`;
  const second = `tctop-test-images-b-${suffix}`;
  const middle = `tctop-test/whiteout-base:${suffix}`;
  const tag = `tctop-test/whiteout:${suffix}`;
  t.after(() => {
    dockerRm(first, second);
    spawnSync('docker', ['rmi', '-f', tag, middle], { stdio: 'ignore' });
  });
  sh('docker', [
    'run',
    '--name',
    first,
    '--label',
    'tctop-test=1',
    TEST_IMAGE,
    'sh',
    '-c',
    'mkdir /data && echo a > /data/a && echo b > /data/b',
  ]);
  sh('docker', ['commit', first, middle]);
  // a deleted file -> .wh.ls; a directory removed and recreated -> .wh..wh..opq
  sh('docker', [
    'run',
    '--name',
    second,
    '--label',
    'tctop-test=1',
    middle,
    'sh',
    '-c',
    'rm /bin/ls && rm -rf /data && mkdir /data && echo new > /data/only',
  ]);
  sh('docker', ['commit', second, tag]);
  const root = tempDir(t, 'tctop-store-');
  const archive = join(tempDir(t, 'tctop-save-'), 'whiteout.tar');
  sh('docker', ['save', '-o', archive, tag]);
  assert.equal(tctop(root, ['load', '-i', archive]).status, 0);
  const image = resolveImage(root, tag);
  assert.equal(image.layerDirs.length, 3);
  assert.deepEqual(readdirSync(join(image.layerDirs[1], 'data')).sort(), ['a', 'b']);

  const mnt = tempDir(t, 'tctop-overlay-');
  // overlay wants the highest layer first
  const lower = [...image.layerDirs].reverse().join(':');
  sh('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower}`, mnt]);
  try {
    assert.equal(existsSync(join(mnt, 'bin/ls')), false, 'the whiteout hides /bin/ls');
    assert.ok(existsSync(join(mnt, 'bin/sh')), 'other files of the lower layer remain');
    assert.deepEqual(readdirSync(join(mnt, 'data')), ['only'], 'the opaque /data hides what lower layers hold there');
  } finally {
    spawnSync('umount', [mnt]);
  }
});

test('a busybox-static rootfs tar imports and runs under chroot', async (t) => {
  if (missing(t, isRoot(), 'root') || missing(t, existsSync('/bin/busybox'), 'busybox-static')) return;
  const rootfs = tempDir(t, 'tctop-rootfs-');
  mkdirSync(join(rootfs, 'bin'));
  copyFileSync('/bin/busybox', join(rootfs, 'bin/busybox'));
  for (const applet of ['sh', 'echo', 'cat']) symlinkSync('busybox', join(rootfs, 'bin', applet));
  const tarFile = join(tempDir(t, 'tctop-tar-'), 'rootfs.tar.gz');
  sh('tar', ['-C', rootfs, '-czf', tarFile, '.']);
  const root = tempDir(t, 'tctop-store-');
  const r = tctop(root, ['import', '-c', 'CMD ["/bin/sh"]', tarFile, 'bb-static']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^sha256:[0-9a-f]{64}\n$/);
  const image = resolveImage(root, 'bb-static');
  assert.deepEqual(image.config.Cmd, ['/bin/sh']);
  const run = spawnSync('chroot', [image.layerDirs[0], '/bin/sh', '-c', 'echo hello from $0'], { encoding: 'utf8' });
  assert.equal(run.stdout, 'hello from /bin/sh\n');
});

test('CLI errors: one line, non-zero exit, nothing stored', (t) => {
  const root = tempDir(t, 'tctop-store-');
  const cases: Array<[string[], RegExp, number]> = [
    [['load', '-i', '/no/such/archive.tar'], /^tctop: no such file: \/no\/such\/archive.tar\n$/, 1],
    [['load', '-i', '/etc/hostname'], /^tctop: refusing archive: archive \/etc\/hostname is not a tar archive\n$/, 2],
    [['import', '/etc/hostname', 'x'], /^tctop: refusing archive: rootfs \/etc\/hostname is not a tar archive\n$/, 2],
    [['import', '/etc/hostname', 'Bad:Name'], /^tctop: invalid image reference "Bad:Name": /, 2],
    [['rmi', 'unknown-image'], /^tctop: no such image: unknown-image\n$/, 1],
  ];
  for (const [args, stderr, code] of cases) {
    const r = tctop(root, args);
    assert.equal(r.status, code, args.join(' '));
    assert.match(r.stderr, stderr);
    assert.equal(r.stderr.split('\n').length, 2, 'one line');
  }
  assert.equal(tctop(root, ['images']).stdout, 'REPOSITORY  TAG  IMAGE ID  CREATED  SIZE\n');
});

test('a load killed by SIGTERM mid-archive leaves nothing behind and registers nothing', async (t) => {
  const src = tempDir(t, 'tctop-big-');
  writeFileSync(join(src, 'big'), randomBytes(8 << 20));
  const tarFile = join(tempDir(t, 'tctop-tar-'), 'big.tar');
  sh('tar', ['-C', src, '-cf', tarFile, '.']);
  const data = readFileSync(tarFile);
  const root = tempDir(t, 'tctop-store-');
  const child = spawn(process.execPath, ['bin/tctop', 'import', '-', 'interrupted'], {
    env: { ...process.env, TCTOP_ROOT: root },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  t.after(() => child.kill('SIGKILL'));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  child.stdin.on('error', () => {}); // EPIPE once it is gone
  child.stdin.write(data.subarray(0, 4 << 20));
  // wait until part of the layer is on disk in the staging dir
  const staging = join(root, 'images/tmp');
  const deadline = Date.now() + 15_000;
  const staged = () => {
    try {
      return readdirSync(staging).some((d) => existsSync(join(staging, d, 'layers/0/root/big')));
    } catch {
      return false;
    }
  };
  while (!staged() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(staged(), 'the import started writing');
  child.kill('SIGTERM');
  assert.equal(await exited, 'SIGTERM');
  assert.deepEqual(readdirSync(staging), [], 'its staging dir is gone');
  assert.equal(existsSync(join(root, 'images/repositories.json')), false);
  assert.deepEqual(readdirSync(join(root, 'images')).sort(), ['tmp']);
});
