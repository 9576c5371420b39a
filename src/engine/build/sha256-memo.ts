// The sha256 digests a build computed, kept by their exact input bytes (<root>/images/build-cache/sha256-memo.json),
// so that a fully cached rebuild finds every digest it needs (each step's cache key, each cached config's ID, each
// small copied file's content hash) without loading node:crypto: that module and the ~15 it brings are ~3 ms of a
// cached build's ~45 (task-clock), more than the hashing itself. Nothing about the cache changes: the keys and IDs
// are the same sha256 digests of the same inputs, and a changed input is a memo miss, hashed for real (a changed
// copied file's bytes are a new input, so it still rebuilds). The memo is bounded: inputs of at most 16 KiB (larger
// ones are hashed every time), the file at most 256 KiB, the oldest entries dropped first; a damaged file is only
// an empty memo. Written whole or not at all (atomic-write.ts), when a build added to it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Digest } from '../images/sha256.js';
import { imagesDir } from '../images/store-paths.js';
import { writeNewestWithin } from './bounded-json.js';

/** Inputs kept: step keys' texts and configs are ~0.2-2 KiB, a COPY's list ~0.1 KiB a file; a large file is hashed anyway. */
export const MEMO_INPUT_MAX = 16 << 10;
/** The file's bound (its JSON text, in characters): parsing it must stay far cheaper than loading node:crypto. */
const MEMO_FILE_MAX = 256 << 10;

const HEX64 = /^[0-9a-f]{64}$/;

export function memoPath(root: string): string {
  return join(imagesDir(root), 'build-cache', 'sha256-memo.json');
}

/** The input's bytes as a string of one char per byte: a string is hashed as its UTF-8 bytes, so both agree. */
function bytesKey(input: string | Buffer): string {
  return (typeof input === 'string' ? Buffer.from(input) : input).toString('latin1');
}

export class Sha256Memo {
  private readonly digests = new Map<string, string>();
  private added = false;

  private constructor(private readonly path: string | null) {}

  /** A memo that keeps nothing: every digest computed (a build with --no-cache has no use for one). */
  static none(): Sha256Memo {
    return new Sha256Memo(null);
  }

  static load(root: string): Sha256Memo {
    const memo = new Sha256Memo(memoPath(root));
    try {
      const entries = JSON.parse(readFileSync(memo.path!, 'utf8')) as unknown;
      if (!Array.isArray(entries)) return memo;
      for (const e of entries)
        if (Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string' && HEX64.test(e[1])) memo.digests.set(e[0], e[1]);
    } catch {
      // none yet, or damaged: an empty memo, rewritten by this build if it hashes anything
    }
    return memo;
  }

  /** "sha256:<hex>" of the input's bytes. */
  digest(input: string | Buffer): string {
    if (this.path === null || input.length > MEMO_INPUT_MAX) return sha256Digest(input);
    const key = bytesKey(input);
    if (key.length > MEMO_INPUT_MAX) return sha256Digest(input);
    const known = this.digests.get(key);
    if (known !== undefined) return `sha256:${known}`;
    const digest = sha256Digest(input);
    this.digests.set(key, digest.slice(7));
    this.added = true;
    return digest;
  }

  /** Writes the memo if this build added to it, the oldest entries dropped to keep it within its bound. */
  save(): void {
    if (this.path === null || !this.added) return;
    if (writeNewestWithin(this.path, [...this.digests], MEMO_FILE_MAX)) this.added = false;
  }
}
