// Seccomp, capabilities, no_new_privs and --privileged checked inside real containers through /proc/1/status and
// syscalls the kernel refuses (the filter is the kernel's: EPERM comes from it, not from tctop).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { engineMissing, IMAGE, newEngine } from './engine-harness.js';

const status = (out: string, key: string) => new RegExp(`^${key}:\\s*(\\S+)$`, 'm').exec(out)?.[1];
const DOCKER_DEFAULT = '00000000a80425fb';

test('default: seccomp mode 2, docker default capabilities, no_new_privs; the filter refuses unshare(CLONE_NEWUSER)', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const out = e.ok(['run', '--rm', IMAGE, 'sh', '-c', 'cat /proc/1/status; unshare -U true 2>&1; echo unshare=$?']);
  assert.equal(status(out, 'Seccomp'), '2');
  assert.equal(status(out, 'CapEff'), DOCKER_DEFAULT);
  assert.equal(status(out, 'CapBnd'), DOCKER_DEFAULT);
  assert.equal(status(out, 'NoNewPrivs'), '1');
  // a user namespace needs no capability: only the filter stops it
  assert.match(out, /Operation not permitted/);
  assert.match(out, /unshare=1/);
  // exec'd processes are confined the same way
  const id = e.runDetached([IMAGE, 'sleep', '60']);
  const ex = e.ok(['exec', id, 'sh', '-c', 'cat /proc/self/status; unshare -U true 2>/dev/null; echo unshare=$?']);
  assert.equal(status(ex, 'Seccomp'), '2');
  assert.equal(status(ex, 'CapEff'), DOCKER_DEFAULT);
  assert.match(ex, /unshare=1/);
  assert.equal(e.state(id)?.config.security.seccomp, 'default');
});

test('seccomp=unconfined: mode 0, and the same unshare succeeds', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const out = e.ok([
    'run',
    '--rm',
    '--security-opt',
    'seccomp=unconfined',
    IMAGE,
    'sh',
    '-c',
    'cat /proc/1/status; unshare -U true; echo unshare=$?',
  ]);
  assert.equal(status(out, 'Seccomp'), '0');
  assert.equal(status(out, 'NoNewPrivs'), '1');
  assert.match(out, /unshare=0/);
});

test('a custom docker-format profile: mkdir answers the errno it names, everything else runs', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const dir = mkdtempSync(join(tmpdir(), 'tctop-seccomp-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const profile = join(dir, 'p.json');
  writeFileSync(
    profile,
    JSON.stringify({
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }],
    }),
  );
  const out = e.ok([
    'run',
    '--rm',
    '--security-opt',
    `seccomp=${profile}`,
    IMAGE,
    'sh',
    '-c',
    'mkdir /made 2>&1; echo mkdir=$?; touch /t; echo touch=$?; grep Seccomp: /proc/1/status',
  ]);
  assert.match(out, /Permission denied/); // errno 13, from the profile
  assert.match(out, /mkdir=1/);
  assert.match(out, /touch=0/);
  assert.match(out, /Seccomp:\s+2/);
  // bad profiles: a clear error, nothing created
  writeFileSync(profile, '{"defaultAction": "SCMP_ACT_BOGUS"}');
  const bad = e.tctop(['create', '--security-opt', `seccomp=${profile}`, IMAGE, 'true']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^tctop: seccomp profile: defaultAction: unknown action SCMP_ACT_BOGUS\n$/);
  const missingFile = e.tctop(['create', '--security-opt', `seccomp=${join(dir, 'nope.json')}`, IMAGE, 'true']);
  assert.equal(missingFile.status, 2);
  assert.match(missingFile.stderr, /cannot read seccomp profile .*ENOENT/);
  assert.deepEqual(e.stateDirs(), []);
});

test('--cap-add/--cap-drop adjust CapEff as docker computes it; unknown names are usage errors', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const eff = (...flags: string[]) => status(e.ok(['run', '--rm', ...flags, IMAGE, 'cat', '/proc/1/status']), 'CapEff');
  assert.equal(eff('--cap-drop', 'ALL'), '0000000000000000');
  assert.equal(eff('--cap-drop', 'ALL', '--cap-add', 'NET_ADMIN'), '0000000000001000');
  assert.equal(eff('--cap-drop', 'chown', '--cap-drop', 'CAP_KILL'), (0xa80425fbn & ~0x21n).toString(16).padStart(16, '0'));
  assert.equal(eff('--cap-add', 'SYS_ADMIN'), (0xa80425fbn | (1n << 21n)).toString(16).padStart(16, '0'));
  // CAP_SYS_ADMIN also opens the profile's SYS_ADMIN syscalls (unshare of a mount namespace)
  const out = e.ok(['run', '--rm', '--cap-add', 'SYS_ADMIN', IMAGE, 'sh', '-c', 'unshare -m true; echo unshare=$?']);
  assert.match(out, /unshare=0/);
  // a non-root user holds nothing, whatever was added
  assert.equal(
    status(e.ok(['run', '--rm', '-u', '1000', '--cap-add', 'NET_ADMIN', IMAGE, 'cat', '/proc/self/status']), 'CapEff'),
    '0000000000000000',
  );
  const bad = e.tctop(['run', '--rm', '--cap-add', 'FLY', IMAGE, 'true']);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, 'tctop: unknown capability: "FLY"\n');
  const nnp = e.tctop(['run', '--rm', '--security-opt', 'no-new-privileges=false', IMAGE, 'true']);
  assert.equal(nnp.status, 2);
  assert.match(nnp.stderr, /no-new-privileges=false is not supported/);
  assert.equal(status(e.ok(['run', '--rm', '--security-opt', 'no-new-privileges', IMAGE, 'cat', '/proc/1/status']), 'NoNewPrivs'), '1');
});

test('--privileged: every capability tctop holds, no filter, /proc unmasked, /sys writable', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const out = e.ok(['run', '--rm', '--privileged', IMAGE, 'sh', '-c', 'cat /proc/1/status; cat /proc/self/mountinfo']);
  const own = status(readOwnStatus(), 'CapBnd');
  assert.equal(status(out, 'CapEff'), own);
  assert.equal(status(out, 'Seccomp'), '0');
  assert.match(out, / \/sys rw,/); // docker mounts sysfs read-write for a privileged container
  assert.doesNotMatch(out, / \/proc\/keys /); // not masked
  const plain = e.ok(['run', '--rm', IMAGE, 'cat', '/proc/self/mountinfo']);
  assert.match(plain, / \/sys ro,/);
  assert.match(plain, / \/proc\/keys /);
});

function readOwnStatus(): string {
  return readFileSync('/proc/self/status', 'utf8');
}
