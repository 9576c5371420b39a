// host/ is the bottom layer (docs: host readers -> discovery -> snapshot -> consumers): its files import node's
// modules, each other, and project modules that are leaves themselves (they import nothing of the project), never a
// layer above. Checked over the source tree, so a new import that breaks it fails here.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// dist/test/unit/host -> repo root
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const SRC = join(REPO, 'src');
const HOST = join(SRC, 'host');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The project files a source file imports (static and dynamic; `import type` too: a type is a dependency). */
function projectImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...text.matchAll(/(?:^|\s)(?:import|export)\s[^'";]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|^import\s+'([^']+)'/gm),
  ].map((m) => m[1] ?? m[2] ?? m[3]);
  return specs.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s).replace(/\.js$/, '.ts'));
}

test('the import scan sees what it should (a check that finds nothing proves nothing)', () => {
  const assembly = projectImports(join(SRC, 'snapshot/container-assembly.ts')).map((f) => relative(SRC, f));
  assert.ok(assembly.includes('host/reader.ts') && assembly.includes('discovery/adapters/index.ts'), assembly.join(' '));
  // a multi-line import, and an export ... from
  assert.ok(projectImports(join(SRC, 'snapshot/model.ts')).includes(join(HOST, 'records.ts')));
  assert.ok(projectImports(join(HOST, 'procfs/process.ts')).some((f) => f === join(HOST, 'records.ts')));
});

test('no file under src/host imports from a folder above it; what it takes from outside host/ is a leaf', () => {
  const files = tsFiles(HOST);
  assert.ok(files.length > 20, `found the readers (${files.length})`);
  const outside: string[] = [];
  for (const file of files) {
    for (const dep of projectImports(file)) {
      if (dep.startsWith(`${HOST}/`)) continue;
      const leaf = projectImports(dep).length === 0;
      if (!leaf) outside.push(`${relative(SRC, file)} -> ${relative(SRC, dep)}`);
    }
  }
  assert.deepEqual(outside, [], 'host/ imports only host/, node and leaf modules (text/sanitize.ts, package-root.ts)');
});
