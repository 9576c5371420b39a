// A temp TCTOP_ROOT per test, removed afterwards, and a way to see everything the store holds.
import { mkdtempSync, readdirSync, rmSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export function tempRoot(t: TestContext): string {
  const root = mkdtempSync(join(tmpdir(), 'tctop-images-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

/** Every non-directory under <root>/images, relative; a refused load must leave this as it found it. */
export function storeFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      if (lstatSync(path).isDirectory()) {
        const before = out.length;
        walk(path, r);
        // a non-empty dir other than the store's skeleton counts too (an extracted layer without files)
        if (out.length === before && !['tmp', 'layers', 'layers/sha256', 'configs', 'configs/sha256'].includes(r)) out.push(r + '/');
      } else out.push(r);
    }
  };
  walk(join(root, 'images'), '');
  return out.sort();
}

export function writeTemp(t: TestContext, name: string, data: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-archive-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}
