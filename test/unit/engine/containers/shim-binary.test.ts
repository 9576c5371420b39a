// The shim is found from the compiled module (dist/src/...) at the package root's native/build.
import assert from 'node:assert/strict';
import { accessSync, constants, readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { test } from 'node:test';
import { shimBinaryPath } from '../../../../src/engine/containers/shim-binary.js';

test('shimBinaryPath is the absolute, executable native/build/tctop-shim of this package (npm run build made it)', () => {
  const path = shimBinaryPath();
  assert.ok(isAbsolute(path));
  assert.match(path, /\/native\/build\/tctop-shim$/);
  assert.doesNotMatch(path, /\/dist\//);
  accessSync(path, constants.X_OK);
  assert.equal(readFileSync(path).subarray(0, 4).toString('latin1'), '\x7fELF');
});
