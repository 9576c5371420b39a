// bin/tctop's first line is sh: it gives V8's smaller-heap flags to the long-running commands (serve, the dashboard),
// a faster-growing young generation to the one-shot scans (ps, inspect), none to the rest, drops
// NODE_EXTRA_CA_CERTS, and starts node on the same file. A `node` first on PATH that prints what it got
// stands in for node here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const FLAGS = '--max-semi-space-size=4 --heap-growing-percent=50';

function launched(t: { after(fn: () => void): void }, args: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-launcher-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'node'), '#!/bin/sh\nprintf "%s\\n" "extra=${NODE_EXTRA_CA_CERTS-unset}" "$@"\n');
  chmodSync(join(dir, 'node'), 0o755);
  const bin = resolve('bin/tctop');
  const r = spawnSync(bin, args, {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, NODE_EXTRA_CA_CERTS: '/nonexistent.pem' },
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'extra=unset', 'NODE_EXTRA_CA_CERTS is dropped');
  const at = lines.indexOf(bin);
  assert.ok(at > 0, `node is started on bin/tctop itself: ${r.stdout}`);
  assert.deepEqual(lines.slice(at + 1), args, 'the arguments pass unchanged');
  return lines.slice(1, at);
}

for (const args of [['serve', '--listen', ':9100'], [], ['top'], ['-d', '2']]) {
  test(`\`tctop ${args.join(' ')}\` starts with the smaller-heap flags`, (t) => {
    assert.deepEqual(launched(t, args), FLAGS.split(' '));
  });
}

for (const args of [
  ['ps', '--json'],
  ['inspect', 'a b'],
]) {
  test(`\`tctop ${args.join(' ')}\` starts with the young generation growing 16-fold`, (t) => {
    assert.deepEqual(launched(t, args), ['--semi-space-growth-factor=16']);
  });
}

for (const args of [['--version'], ['--help'], ['run', '--rm', 'x', 'serve'], ['run', 'ps']]) {
  test(`\`tctop ${args.join(' ')}\` starts without them`, (t) => {
    assert.deepEqual(launched(t, args), []);
  });
}

test('node reads bin/tctop as JavaScript: its first line is a string and a comment', () => {
  const r = spawnSync(process.execPath, ['bin/tctop', '--version'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
});
