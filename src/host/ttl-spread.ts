// Cache entries first read together expire apart: every container's claim and limit files are read in the first
// scan, and with one TTL each they would all expire in one later scan, so every TTL one scan would read every
// runtime's metadata or every limit file again at once (a slow scrape each TTL: the p99 of a 1 s scrape interval).
// So an entry's first lifetime is a share of the TTL picked by its key, and every later one the whole TTL: the
// phases stay spread, and no entry is ever trusted for longer than the TTL.

/** The first lifetime of the entry `key` under `ttlMs`, in (0, ttl] (FNV-1a of the key picks it). */
export function spreadTtl(key: string, ttlMs: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return ttlMs * (1 - (h >>> 0) / 0x1_0000_0000);
}
