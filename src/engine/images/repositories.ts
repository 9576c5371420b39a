// repositories.json: { "name:tag": "sha256:<config-hex>" }. Written only under the store lock, atomically.
import { mkdirSync, readFileSync } from 'node:fs';
import { errnoOf, NativeError } from '../../errors.js';
import { writeFileAtomic } from '../atomic-write.js';
import { isDigest } from './digest.js';
import { imagesDir, repositoriesPath } from './store-paths.js';
import { compareText } from '../../text/compare.js';

export type Repositories = Record<string, string>;

export function readRepositories(root: string): Repositories {
  let text: string;
  try {
    text = readFileSync(repositoriesPath(root), 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return {};
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new NativeError(`${repositoriesPath(root)} is not valid JSON`);
  }
  const out: Repositories = {};
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    for (const [ref, id] of Object.entries(parsed)) if (isDigest(id)) out[ref] = id;
  }
  return out;
}

/** Read, change, write back. The caller holds the store lock. */
export async function updateRepositories(root: string, change: (repos: Repositories) => void): Promise<Repositories> {
  const repos = readRepositories(root);
  change(repos);
  const sorted = Object.fromEntries(Object.entries(repos).sort(([a], [b]) => compareText(a, b)));
  mkdirSync(imagesDir(root), { recursive: true, mode: 0o700 });
  writeFileAtomic(repositoriesPath(root), JSON.stringify(sorted, null, 2) + '\n', { mode: 0o644 });
  return sorted;
}
