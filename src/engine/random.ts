// Random bytes straight from the kernel's CSPRNG (/dev/urandom, which node:crypto's randomBytes draws from too).
// The engine's one-shot commands take them from here because loading node:crypto (15 internal modules) costs
// `tctop run` ~3 ms of its start, for 32 bytes of container ID.
import { closeSync, openSync, readSync } from 'node:fs';

export function randomBytes(n: number): Buffer {
  const buf = Buffer.alloc(n);
  const fd = openSync('/dev/urandom', 'r');
  try {
    for (let got = 0; got < n; ) {
      const r = readSync(fd, buf, got, n - got, null);
      if (r <= 0) throw new Error('/dev/urandom: short read');
      got += r;
    }
  } finally {
    closeSync(fd);
  }
  return buf;
}

/** A uniform integer in [0, max), max <= 2^32 (rejection sampling: no modulo bias). */
export function randomInt(max: number): number {
  if (!Number.isSafeInteger(max) || max <= 0 || max > 2 ** 32) throw new RangeError(`randomInt: bad max ${max}`);
  const limit = 2 ** 32 - (2 ** 32 % max);
  for (;;) {
    const v = randomBytes(4).readUInt32LE(0);
    if (v < limit) return v % max;
  }
}
