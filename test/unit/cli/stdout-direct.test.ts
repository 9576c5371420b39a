// writeStdout (src/cli/stdout-direct.ts): the bytes in order through a pipe, and a reader that goes away (`| head`)
// ends the output without an error or a stack trace, the command finishing as it would; writeOutput ends the command
// there, with a SIGPIPE death's code (141), as ps(1) does.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const MODULE = new URL('../../../src/cli/stdout-direct.js', import.meta.url).href;

/** A node process that writes `lines` numbered lines through `fn`, then says "finished" on stderr. */
function writer(lines: number, fn = 'writeStdout'): string {
  const script =
    `import { ${fn} } from ${JSON.stringify(MODULE)};` +
    `for (let i = 0; i < ${lines}; i++) ${fn}('line ' + i + ' ' + 'x'.repeat(80) + '\\n');` +
    `process.stderr.write('finished\\n');`;
  return `'${process.execPath}' --input-type=module -e "${script.replace(/(["\\$`])/g, '\\$1')}"`;
}

test('every line arrives, in order, through a pipe', () => {
  const r = spawnSync('bash', ['-c', writer(5000)], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const got = r.stdout.split('\n').filter(Boolean);
  assert.equal(got.length, 5000);
  got.forEach((l, i) => assert.ok(l.startsWith(`line ${i} `), l));
  assert.equal(r.stderr, 'finished\n');
});

test('a reader gone mid-way (| head) ends the output quietly: no error, the writer finishes and exits 0', () => {
  // 100,000 lines: far more than the pipe holds, so head has gone while the writer still writes
  const r = spawnSync('bash', ['-c', `set -o pipefail; ${writer(100_000)} | head -n 2`], { encoding: 'utf8' });
  assert.equal(r.stdout.split('\n').filter(Boolean).length, 2);
  assert.equal(r.stderr, 'finished\n');
  assert.equal(r.status, 0);
});

test('writeOutput: a reader gone ends the writer at once, quietly, with 141', () => {
  const r = spawnSync('bash', ['-c', `${writer(100_000, 'writeOutput')} | head -n 2; echo "\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8' });
  assert.equal(r.stdout.split('\n').filter(Boolean).length, 2);
  assert.equal(r.stderr, '141\n', 'no "finished", no stack trace: the exit code of a SIGPIPE death');
});
