// The build cache's small JSON files (sha256-memo.json, file-digests.json): an array written whole or not at all,
// its newest entries (the last ones) kept within a bound on its text, so that reading it stays far cheaper than
// what it saves.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';

/** Writes the newest of `entries` that fit in `maxChars` of JSON to `path` (0600); false when it could not. */
export function writeNewestWithin(path: string, entries: readonly unknown[], maxChars: number): boolean {
  let size = 2;
  let from = entries.length;
  while (from > 0) {
    const n = JSON.stringify(entries[from - 1]).length + 1;
    if (size + n > maxChars) break;
    size += n;
    from--;
  }
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // not durable: a crash leaves the old file or none, and what it lacks is only computed again
    writeFileAtomic(path, JSON.stringify(entries.slice(from)), { mode: 0o600, durable: false });
    return true;
  } catch {
    return false; // a read-only or full store: the next build computes it again
  }
}
