// sha256 digests as the image formats write them ("sha256:<64 hex>"): checked here, computed in sha256.ts (apart,
// so that commands that only read digests, such as run, do not load node:crypto).
import { UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';

const DIGEST = /^sha256:([0-9a-f]{64})$/;

export function isDigest(s: unknown): s is string {
  return typeof s === 'string' && DIGEST.test(s);
}

/** The hex part of a sha256 digest; anything else (other algorithms, bad hex) is refused. */
export function digestHex(digest: unknown, what: string): string {
  const m = typeof digest === 'string' ? DIGEST.exec(digest) : null;
  if (!m) throw new UsageError(`refusing archive: ${what} has an invalid digest "${cell(String(digest), 100)}" (sha256 only)`);
  return m[1];
}
