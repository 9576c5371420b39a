// The CLI bundles are built with their module wrapper in the file (src/cli/bundle-wrapper.ts), so the launcher compiles
// them as read; each is one function expression that, called as node calls a module, exports the CLI's main.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { Script } from 'node:vm';
import { WRAP_CLOSE, WRAP_OPEN } from '../../../src/cli/bundle-wrapper.js';
import { packageRoot } from '../../../src/package-root.js';

test('every CLI bundle is its own module wrapper around the CLI, exporting main', () => {
  const dir = join(packageRoot(), 'dist', 'cli');
  const bundles = [join(dir, 'tctop.cjs'), ...readdirSync(join(dir, 'commands')).map((f) => join(dir, 'commands', f))];
  assert.ok(bundles.length > 10);
  for (const file of bundles) {
    const source = readFileSync(file, 'utf8');
    assert.ok(source.startsWith(WRAP_OPEN) && source.trimEnd().endsWith(WRAP_CLOSE.trim()), `${file} is wrapped`);
    const wrapper = new Script(source, { filename: file }).runInThisContext() as unknown;
    assert.equal(typeof wrapper, 'function', `${file} is one function expression`);
  }
  // called as the launcher calls it (without running main): the CLI's entry point is exported
  const module = { exports: {} as { main?: unknown } };
  const whole = join(dir, 'tctop.cjs');
  (new Script(readFileSync(whole, 'utf8')).runInThisContext() as (...a: unknown[]) => void)(
    module.exports,
    createRequire(whole),
    module,
    whole,
    dir,
  );
  assert.equal(typeof module.exports.main, 'function');
});
