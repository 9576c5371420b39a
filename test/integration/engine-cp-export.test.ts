// cp both ways and export, through the confined helper, against hostile containers: absolute and ".." symlinks,
// and a symlink swapped in a loop while copies run (CVE-2018-15664). The host's own files are the witnesses:
// nothing of the host may be read, and no marker may appear on the host, whatever the container does.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { engineMissing, IMAGE, newEngine, sleep, type Engine } from './engine-harness.js';

const SETUP =
  'mkdir -p /data/sub; echo inside > /data/file; echo deep > /data/sub/f; ln -s /etc /data/abs; ln -s ../../../../ /data/up; echo container-secret > /etc/secret';

function scratch(t: import('node:test').TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-cp-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function hostileChecks(e: Engine, ref: string, dir: string, readInside: (path: string) => string): void {
  const marker = `tctop-cp-marker-${randomBytes(6).toString('hex')}`;
  // reads through the symlinks resolve in the container: its /etc/passwd (the image's), never the host's
  e.ok(['cp', `${ref}:/data/abs/passwd`, join(dir, 'p1')]);
  e.ok(['cp', `${ref}:/data/up/etc/passwd`, join(dir, 'p2')]);
  const hostPasswd = readFileSync('/etc/passwd', 'utf8');
  for (const p of ['p1', 'p2']) {
    const got = readFileSync(join(dir, p), 'utf8');
    assert.equal(got, 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n'); // the image's
    assert.notEqual(got, hostPasswd);
  }
  assert.equal(e.ok(['cp', `${ref}:/data/up/etc/secret`, '-']).includes('container-secret'), true);
  // writes through them land in the container, never on the host
  writeFileSync(join(dir, marker), 'x');
  e.ok(['cp', join(dir, marker), `${ref}:/data/abs/`]);
  e.ok(['cp', join(dir, marker), `${ref}:/data/up/tmp/${marker}`]);
  assert.equal(existsSync(`/etc/${marker}`), false, 'a file was written into the host /etc');
  assert.equal(existsSync(`/tmp/${marker}`), false, 'a file was written into the host /tmp');
  assert.equal(readInside(`/etc/${marker}`), 'x');
  assert.equal(readInside(`/tmp/${marker}`), 'x');
  // a symlink copied out stays a symlink (docker copies links, not their targets), and its target is not read
  e.ok(['cp', `${ref}:/data`, join(dir, 'out')]);
  assert.equal(spawnSync('readlink', [join(dir, 'out/abs')], { encoding: 'utf8' }).stdout, '/etc\n');
  assert.deepEqual(readdirSync(join(dir, 'out')).sort(), ['abs', 'file', 'sub', 'up']);
  assert.equal(readFileSync(join(dir, 'out/sub/f'), 'utf8'), 'deep\n');
}

test('cp in a running container: hostile symlinks resolve inside it, in both directions; docker path rules', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const dir = scratch(t);
  const id = e.runDetached(['--name', 'h', IMAGE, 'sh', '-c', `${SETUP}; sleep 3600`]);
  await sleep(300);
  const inside = (p: string) => e.ok(['exec', id, 'cat', p]);
  hostileChecks(e, 'h', dir, inside);
  // docker's rules
  mkdirSync(join(dir, 'into'));
  e.ok(['cp', 'h:/data/.', join(dir, 'into')]); // contents of a dir into an existing dir
  assert.deepEqual(readdirSync(join(dir, 'into')).sort(), ['abs', 'file', 'sub', 'up']);
  e.ok(['cp', 'h:/data', join(dir, 'into')]); // the dir itself into an existing dir
  assert.ok(existsSync(join(dir, 'into/data/sub/f')));
  e.ok(['cp', 'h:data/file', join(dir, 'renamed')]); // relative = from the root; a new file name
  assert.equal(readFileSync(join(dir, 'renamed'), 'utf8'), 'inside\n');
  assert.match(e.tctop(['cp', 'h:/data/file', join(dir, 'nope/')]).stderr, /must exist/);
  assert.match(e.tctop(['cp', 'h:/data', join(dir, 'renamed')]).stderr, /cannot copy a directory to a file/);
  const missing = e.tctop(['cp', 'h:/absent', join(dir, 'x')]);
  assert.equal(missing.status, 1);
  assert.equal(missing.stderr, 'tctop: could not find the file /absent in container h\n');
  assert.equal(e.tctop(['cp', 'h:/a', 'h:/b']).status, 2);
  // into the container: a directory, its contents, a renamed file, a tar from stdin; owned by root unless -a
  mkdirSync(join(dir, 'tree/in'), { recursive: true });
  writeFileSync(join(dir, 'tree/in/g'), 'g\n');
  spawnSync('chown', ['-R', '4321:4321', join(dir, 'tree')]);
  e.ok(['cp', join(dir, 'tree'), 'h:/made']);
  assert.equal(inside('/made/in/g'), 'g\n');
  assert.match(e.ok(['exec', id, 'stat', '-c', '%u:%g', '/made/in/g']), /^0:0/);
  e.ok(['cp', '-a', `${join(dir, 'tree')}/.`, 'h:/data']); // (path.join would drop the "/.")
  assert.match(e.ok(['exec', id, 'stat', '-c', '%u:%g', '/data/in/g']), /^4321:4321/);
  const tarred = spawnSync('tar', ['-C', join(dir, 'tree'), '-cf', '-', 'in'], { maxBuffer: 1 << 20 }).stdout;
  const r = spawnSync(process.execPath, ['bin/tctop', 'cp', '-', 'h:/tmp'], { env: e.env, input: tarred, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(inside('/tmp/in/g'), 'g\n');
  // -L follows a symlink source, inside the container: /data/abs -> /etc is the container's /etc
  e.ok(['cp', '-L', 'h:/data/abs', join(dir, 'followed')]);
  assert.equal(readFileSync(join(dir, 'followed/secret'), 'utf8'), 'container-secret\n');
  assert.equal(existsSync(join(dir, 'followed/shadow')), false, "the host's /etc was copied");
  // out as a tar on stdout: the top entry named after the source
  const out = spawnSync(process.execPath, ['bin/tctop', 'cp', 'h:/data/sub', '-'], { env: e.env, maxBuffer: 1 << 20 });
  assert.equal(spawnSync('tar', ['-t'], { input: out.stdout, encoding: 'utf8' }).stdout, 'sub/\nsub/f\n');
});

test('cp and export on a stopped container: its overlay mounted privately, nothing left on the host', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const dir = scratch(t);
  // no network: a bridged container's namespace file is a mount of its own, kept until rm (not the helper's)
  const id = e.runDetached(['--name', 's', '--network', 'none', IMAGE, 'sh', '-c', SETUP]);
  assert.equal(e.ok(['wait', 's']), '0\n');
  hostileChecks(e, 's', dir, (p) => {
    const r = spawnSync(process.execPath, ['bin/tctop', 'cp', `s:${p}`, '-'], { env: e.env, encoding: 'latin1' });
    return spawnSync('tar', ['-xO'], { input: Buffer.from(r.stdout, 'latin1'), encoding: 'utf8' }).stdout;
  });
  e.ok(['export', '-o', join(dir, 'fs.tar'), 's']);
  const names = spawnSync('tar', ['-tf', join(dir, 'fs.tar')], { encoding: 'utf8' }).stdout.split('\n');
  for (const n of ['bin/busybox', 'etc/secret', 'data/sub/f', 'data/abs']) assert.ok(names.includes(n), `export lacks ${n}`);
  // the helper's overlay lived in its own mount namespace: no mount of this root is visible on the host
  assert.equal(
    readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .filter((l) => l.includes(id)).length,
    0,
    'a mount leaked onto the host',
  );
  assert.equal(e.leftovers().mounts, 0);
  // and the container still starts afterwards: its upper dir was not left mounted
  e.ok(['start', 's']);
  assert.equal(e.ok(['wait', 's']), '0\n');
  assert.ok(id);
});

test('export of a running container: its own filesystem, not /proc or volumes; never to a terminal', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const dir = scratch(t);
  mkdirSync(join(dir, 'vol'));
  writeFileSync(join(dir, 'vol/host-file'), 'h');
  e.runDetached(['--name', 'x', '-v', `${join(dir, 'vol')}:/vol`, IMAGE, 'sh', '-c', 'echo written > /written; sleep 3600']);
  await sleep(300);
  const r = spawnSync(process.execPath, ['bin/tctop', 'export', 'x'], { env: e.env, maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr.toString());
  const names = spawnSync('tar', ['-t'], { input: r.stdout, encoding: 'utf8', maxBuffer: 64 << 20 }).stdout.split('\n');
  assert.ok(names.includes('written'));
  assert.ok(names.includes('proc/'));
  assert.ok(!names.some((n) => n.startsWith('proc/1')), 'export descended into /proc');
  assert.ok(!names.includes('vol/host-file'), 'export descended into a volume');
  const bad = e.tctop(['export', '-o', join(dir, 'no/such/dir/x.tar'), 'x']);
  assert.equal(bad.status, 1);
  assert.deepEqual(readdirSync(dir).sort(), ['vol']);
});

test('a symlink swapped in a loop while copies run never leads outside the container (bounded: 40 rounds, 30 s)', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const dir = scratch(t);
  // /swap flips between a real directory (holding etc/hostname) and a symlink to / as fast as the shell can
  e.runDetached([
    '--name',
    'sw',
    IMAGE,
    'sh',
    '-c',
    'mkdir -p /real/etc; echo decoy > /real/etc/hostname; while :; do ln -sfn / /swap.l; mv -T /swap.l /swap 2>/dev/null; ln -sfn /real /swap.l; mv -T /swap.l /swap 2>/dev/null; done',
  ]);
  await sleep(300);
  const hostHostname = readFileSync('/etc/hostname', 'utf8');
  const marker = `tctop-swap-${randomBytes(6).toString('hex')}`;
  writeFileSync(join(dir, marker), 'm');
  const end = Date.now() + 30_000;
  let reads = 0;
  for (let i = 0; i < 40 && Date.now() < end; i++) {
    const r = spawnSync(process.execPath, ['bin/tctop', 'cp', 'sw:/swap/etc/hostname', join(dir, `h${i}`)], {
      env: e.env,
      encoding: 'utf8',
    });
    if (r.status === 0) {
      reads++;
      const got = readFileSync(join(dir, `h${i}`), 'utf8');
      assert.notEqual(got, hostHostname, 'read the host /etc/hostname through the swapped symlink');
    }
    spawnSync(process.execPath, ['bin/tctop', 'cp', join(dir, marker), 'sw:/swap/etc/'], { env: e.env });
    assert.equal(existsSync(`/etc/${marker}`), false, 'wrote into the host /etc through the swapped symlink');
  }
  assert.ok(reads > 0, 'no copy succeeded at all');
});
