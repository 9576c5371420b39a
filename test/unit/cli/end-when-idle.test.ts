// endWhenIdle (src/cli/end-when-idle.ts): a finished command ends without node's exit-time work (V8's queued tasks),
// but never while something would still keep it alive: work chained after the action, a timer, buffered stdout.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const MODULE = new URL('../../../src/cli/end-when-idle.js', import.meta.url).href;
const STDOUT = new URL('../../../src/cli/stdout-direct.js', import.meta.url).href;

/** Runs `body` as an ES module in a node of its own (with gc exposed); its exit status and output. */
function runModule(body: string) {
  const script = `import { endWhenIdle } from ${JSON.stringify(MODULE)}; import { writeStdout } from ${JSON.stringify(STDOUT)};\n${body}`;
  return spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
}

/**
 * `then` run in a timer's callback (the module loader's own requests done by then) after a garbage collection that
 * queues a V8 task: a FinalizationRegistry's callback, which node's natural exit runs before it ends.
 */
const withFinalizerQueued = (then: string) => `
const registry = new FinalizationRegistry(() => writeStdout('finalizer ran\\n'));
setTimeout(() => {
  (() => registry.register({}, 'x'))();
  globalThis.gc();
  ${then}
}, 100);
`;

test('idle: the process ends at once, exit listeners run, the exit code stays; queued V8 tasks are skipped', () => {
  const exit = `process.on('exit', () => writeStdout('exit\\n')); process.exitCode = 3;`;
  const natural = runModule(withFinalizerQueued(exit));
  assert.equal(natural.status, 3);
  assert.equal(natural.stdout, 'finalizer ran\nexit\n', 'without endWhenIdle, node runs the queued task at exit');
  const ended = runModule(withFinalizerQueued(`${exit} endWhenIdle();`));
  assert.equal(ended.status, 3, ended.stderr);
  assert.equal(ended.stdout, 'exit\n');
});

test('work still chained after the call, a timer or an fs request keeps the process until it is done', () => {
  const r = runModule(`
endWhenIdle();
Promise.resolve().then(() => Promise.resolve()).then(() => writeStdout('chained\\n'));
setTimeout(() => writeStdout('timer\\n'), 30);
import('node:fs').then((fs) => fs.readFile(process.execPath, () => writeStdout('read\\n')));
`);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n').filter(Boolean).sort(), ['chained', 'read', 'timer']);
});

test('a beforeExit listener, or output left in process.stdout, makes it end the natural way', () => {
  const listener = runModule(withFinalizerQueued(`process.on('beforeExit', () => {}); endWhenIdle();`));
  assert.equal(listener.stdout, 'finalizer ran\n');
  // stdout a pipe nobody reads yet: writeStdout meets EAGAIN and hands the rest to process.stdout's buffer
  const r = spawnSync(
    'bash',
    [
      '-c',
      `'${process.execPath}' --input-type=module -e "import { endWhenIdle } from '${MODULE}'; import { writeStdout } from '${STDOUT}';` +
        ` process.stdout; writeStdout('x'.repeat(1 << 20) + '\\n'); endWhenIdle();" | (sleep 0.3; wc -c)`,
    ],
    { encoding: 'utf8', timeout: 20_000 },
  );
  assert.equal(r.stdout.trim(), String((1 << 20) + 1), 'every byte arrived');
});
