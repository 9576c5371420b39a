// The cgroup v2 + systemd guest (Debian 13 under qemu, test/vm/): builds or reuses the cached image, boots it once
// with this checkout shared read-only, and reports each check the guest ran (test/vm/guest/) as its own subtest.
// Needs root, mmdebstrap, qemu-system-x86 and qemu-utils (test/vm/prereqs.sh) and a build (npm run build).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { hasCommand, isRoot, missing } from '../helpers/prereq.js';

interface GuestResult {
  name: string;
  nesting: number;
  ok: boolean;
  skip: boolean | string;
  ms?: number;
  error?: string;
}

const tail = (path: string, n = 4000) => (existsSync(path) ? readFileSync(path, 'utf8').slice(-n) : `(no ${path})`);
const seconds = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').trim() : '?');

/** boot.sh as a child that gets SIGTERM if this process dies (its trap then stops qemu). */
function boot(image: string, out: string): Promise<number | null> {
  const child = spawn('setpriv', ['--pdeathsig', 'TERM', 'bash', 'test/vm/boot.sh', image, out], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stop = () => child.kill('SIGTERM');
  process.once('exit', stop);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      process.off('exit', stop);
      resolve(code);
    }),
  );
}

test('cgroup v2 + systemd guest (Debian 13, qemu): every runtime and the engine for real', { timeout: 55 * 60_000 }, async (t) => {
  if (missing(t, isRoot(), 'root')) return;
  if (
    missing(
      t,
      ['mmdebstrap', 'qemu-system-x86_64', 'qemu-img', 'mke2fs', 'setpriv'].every(hasCommand),
      'mmdebstrap, qemu-system-x86, qemu-utils (bash test/vm/prereqs.sh)',
    )
  )
    return;
  if (
    missing(
      t,
      existsSync('dist/cli/tctop.cjs') && existsSync('native/build/tctop-shim') && existsSync('dist/test/vm/guest/suite.js'),
      'a build (npm run build)',
    )
  )
    return;

  const t0 = Date.now();
  const built = spawnSync('bash', ['test/vm/build-image.sh'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 40 * 60_000,
  });
  assert.equal(built.status, 0, 'test/vm/build-image.sh failed (its output is above)');
  const image = built.stdout.trim().split('\n').pop()!;
  const buildSeconds = ((Date.now() - t0) / 1000).toFixed(1);

  const out = mkdtempSync(join(tmpdir(), 'tctop-vm-out-'));
  t.after(() => {
    if (process.env.TCTOP_VM_KEEP) cpSync(out, process.env.TCTOP_VM_KEEP, { recursive: true });
    rmSync(out, { recursive: true, force: true });
  });
  const code = await boot(image, out);
  const lines = (file: string) => (existsSync(join(out, file)) ? readFileSync(join(out, file), 'utf8').trim().replace(/\n/g, ', ') : '');
  const times = lines('times');
  t.diagnostic(
    `image ${buildSeconds} s (cached build took ${seconds(join(image, 'build-seconds'))} s); accel ${seconds(join(out, 'accel'))}; ` +
      `qemu ran ${seconds(join(out, 'qemu-seconds'))} s; guest uptime at suite unit start ${seconds(join(out, 'boot-seconds'))} s; ${times}`,
  );
  t.diagnostic(`guest setup steps (s): ${lines('step-seconds')}`);
  assert.equal(code, 0, `the guest did not run to its end (boot.sh exit ${code}); console:\n${tail(join(out, 'console.log'))}`);
  const resultsFile = join(out, 'results.jsonl');
  assert.ok(
    existsSync(resultsFile),
    `the guest wrote no results; guest log:\n${tail(join(out, 'guest.log'))}\nconsole:\n${tail(join(out, 'console.log'))}`,
  );
  const results = readFileSync(resultsFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as GuestResult)
    .filter((r) => r.nesting === 0);
  assert.ok(results.length > 0, `no guest results; guest log:\n${tail(join(out, 'guest.log'))}`);
  for (const r of results) {
    await t.test(r.name, () => {
      if (!r.ok) throw new Error(r.error ?? 'failed in the guest');
    });
  }
  assert.match(times, /suite-exit 0/, `the guest suite exited non-zero; guest log:\n${tail(join(out, 'guest.log'))}`);
});
