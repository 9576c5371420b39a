// Every document the code points a reader to is in the repository (a contract that lived outside it once).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../../../src/package-root.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : /\.(ts|c|h)$/.test(name) ? [p] : [];
  });
}

test('every docs/*.md named in src/ and native/src/ exists, and the engine contract is one of them', () => {
  const root = packageRoot();
  const named = new Map<string, string>();
  for (const file of [...sources(join(root, 'src')), ...sources(join(root, 'native', 'src'))]) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bdocs\/[\w.-]+\.md\b/g)) named.set(m[0], relative(root, file));
  }
  assert.ok(named.has('docs/engine-contract.md'), 'the shim and the engine point to their contract');
  for (const [doc, from] of named) assert.ok(existsSync(join(root, doc)), `${doc} (named in ${from}) exists`);
  for (const file of sources(join(root, 'native', 'src'))) assert.doesNotMatch(readFileSync(file, 'utf8'), /\/work\/notes\//, file);
});
