// The CLI as a user meets it: help everywhere, version, one-line errors with non-zero exits, no stack traces.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const tctop = (...args: string[]) => spawnSync(process.execPath, ['bin/tctop', ...args], { encoding: 'utf8', timeout: 30_000 });

test('--version prints the package version', () => {
  const r = tctop('--version');
  assert.equal(r.status, 0);
  assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+$/);
});

test('every command has --help', () => {
  const top = tctop('--help');
  assert.equal(top.status, 0);
  const commands = [...top.stdout.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]).filter((c) => c !== 'help');
  const expected = [
    'top',
    'ps',
    'inspect',
    'stats',
    'events',
    'info',
    'serve',
    'run',
    'create',
    'start',
    'stop',
    'kill',
    'restart',
    'rm',
    'logs',
    'exec',
    'wait',
    'attach',
    'port',
    'pause',
    'unpause',
    'update',
    'cp',
    'export',
    'images',
    'import',
    'load',
    'rmi',
    'pull',
    'push',
    'login',
    'logout',
    'build',
    'commit',
    'save',
    'tag',
  ];
  assert.deepEqual(commands, expected, 'every command listed, in help order');
  for (const c of commands) {
    const r = tctop(c, '--help');
    assert.equal(r.status, 0, `${c} --help exits 0`);
    assert.match(r.stdout, new RegExp(`Usage: tctop ${c}`));
    // `tctop <c>` loads only its own command group; `tctop help <c>` builds the whole CLI: both must agree
    assert.equal(r.stdout, tctop('help', c).stdout, `${c}: the same command either way`);
  }
});

test('bad input: one line on stderr, non-zero exit, no stack trace', () => {
  for (const args of [
    ['inspect', 'no-such-container-xyz'],
    ['inspect', '--pid', 'abc'],
    ['inspect'],
    ['ps', '--filter', 'nonsense'],
    ['ps', '--runtime', 'rkt'],
    ['no-such-command'],
  ]) {
    const r = tctop(...args);
    assert.notEqual(r.status, 0, `${args.join(' ')} fails`);
    assert.ok(r.stderr.trim().length > 0, `${args.join(' ')} says why`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, `${args.join(' ')} prints no stack trace`);
    assert.equal(r.stdout, '');
  }
  const r = tctop('inspect', 'no-such-container-xyz');
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'tctop: no such container: no-such-container-xyz\n');
  const typo = tctop('rn', 'x');
  assert.equal(typo.status, 2, 'a word that is no command is a usage error');
  assert.equal(typo.stderr, 'tctop: unknown command "rn" (tctop --help lists them)\n');
});

test('a reader that goes away (tctop ps | true): no stack trace, the exit code of a SIGPIPE death', () => {
  for (const args of ['ps', 'ps --json', 'images', '--help']) {
    const r = spawnSync('bash', ['-c', `bin/tctop ${args} | true; echo "\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.stderr, '141\n', `tctop ${args}: ${r.stderr}`);
  }
});

test('a PID outside any container is a clear error', () => {
  const r = tctop('inspect', '--pid', String(process.pid));
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `tctop: process ${process.pid} is not in any container\n`);
});

test('ps --json prints a JSON array even with no container filter match', () => {
  const r = tctop('ps', '--json', '--filter', 'name=no-container-has-this-name-0451');
  assert.equal(r.status, 0);
  assert.deepEqual(JSON.parse(r.stdout), []);
});
