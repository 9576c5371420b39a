// container.log reading (complete lines only, tail, hostile lines) and the OCI config's shape.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LogCursor, tailEntries, type LogEntry } from '../../../../src/engine/containers/log-reader.js';
import { buildOciConfig, DEFAULT_CAPABILITIES } from '../../../../src/engine/containers/oci-config.js';

/** The last n entries (all when n is undefined), as `tctop logs` reads them. */
function readLog(path: string, tail?: number): LogEntry[] {
  const cursor = new LogCursor(path);
  return tail === undefined ? [...cursor.batches()].flat() : tailEntries(cursor, tail);
}

const line = (log: string, stream = 'stdout') => JSON.stringify({ log, stream, time: '2026-11-23T13:30:50.123456789Z' }) + '\n';

test('the cursor returns complete lines only and resumes where it stopped', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'container.log');
  const cursor = new LogCursor(path);
  assert.deepEqual(cursor.read(), [], 'no file yet');
  writeFileSync(path, line('one\n') + line('two\n', 'stderr').slice(0, 10));
  assert.deepEqual(
    cursor.read().map((e) => e.text),
    ['one\n'],
  );
  appendFileSync(path, line('two\n', 'stderr').slice(10) + 'not json\n' + line('\u001b]0;x\u0007\ufffd'));
  const next = cursor.read();
  assert.deepEqual(
    next.map((e) => [e.stream, e.text]),
    [
      ['stderr', 'two\n'],
      ['stdout', '\u001b]0;x\u0007\ufffd'],
    ],
  );
  assert.deepEqual(
    readLog(path, 1).map((e) => e.text),
    ['\u001b]0;x\u0007\ufffd'],
  );
  assert.deepEqual(readLog(path, 0), []);
  assert.equal(readLog(path).length, 3);
});

test('a log larger than one read batch: every entry, and a tail keeps only what it needs', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'container.log');
  const n = 100_000; // ~11 MB: three batches
  writeFileSync(path, Array.from({ length: n }, (_, i) => line(`line ${i} ${'x'.repeat(20)}\n`, i % 2 ? 'stderr' : 'stdout')).join(''));
  const all = readLog(path);
  assert.equal(all.length, n);
  assert.equal(all[n - 1].text, `line ${n - 1} ${'x'.repeat(20)}\n`);
  assert.deepEqual(
    readLog(path, 2).map((e) => [e.stream, e.text.split(' ')[1]]),
    [
      ['stdout', String(n - 2)],
      ['stderr', String(n - 1)],
    ],
  );
  const cursor = new LogCursor(path);
  const batches = [...cursor.batches()];
  assert.ok(batches.length >= 2, `${batches.length} batches`);
  assert.equal(batches.flat().length, n);
});

test('config.json is an OCI runtime-spec config for what the shim sets up', () => {
  const id = 'a'.repeat(64);
  const base = {
    args: ['sh'],
    env: ['PATH=/bin'],
    cwd: '/',
    user: { uid: 0, gid: 0, groups: [0] },
    userSpec: '',
    hostname: 'h',
    network: 'none' as const,
    binds: [{ source: '/srv', destination: '/data', readOnly: true }],
    readonly: true,
    limits: { memoryBytes: 64 << 20, nanoCpus: 5e8, pidsLimit: 20, cpusetCpus: '0' },
    lowerdirs: ['/l2', '/l1'],
  };
  const c = buildOciConfig(id, base) as any;
  assert.equal(c.ociVersion, '1.0.2');
  assert.deepEqual(c.root, { path: 'rootfs', readonly: true });
  assert.deepEqual(c.process.capabilities.effective, DEFAULT_CAPABILITIES);
  assert.equal(DEFAULT_CAPABILITIES.length, 14);
  assert.equal(c.process.noNewPrivileges, true);
  assert.equal(c.linux.cgroupsPath, `/tctop/${id}`);
  assert.deepEqual(c.linux.resources, {
    memory: { limit: 64 << 20, swap: 64 << 20 },
    cpu: { period: 100000, quota: 50000, cpus: '0' },
    pids: { limit: 20 },
  });
  assert.ok(c.linux.namespaces.some((n: { type: string }) => n.type === 'network'));
  assert.ok(c.mounts.some((m: { destination: string; options: string[] }) => m.destination === '/data' && m.options.includes('ro')));
  assert.ok(c.linux.maskedPaths.includes('/proc/kcore'));
  const host = buildOciConfig(id, { ...base, network: 'host', user: { uid: 1000, gid: 1000, groups: [] } }) as any;
  assert.ok(!host.linux.namespaces.some((n: { type: string }) => n.type === 'network'));
  assert.deepEqual(host.process.capabilities.effective, [], 'a non-root user has no effective capabilities');
});
