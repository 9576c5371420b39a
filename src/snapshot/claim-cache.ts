// The runtimes' claims on process groups, kept between scans: metadata is re-read only when a group's init changes
// (another PID, or the same PID with another start time) or its claim grows older than its share of the TTL.
import type { ProcessInfo } from '../host/records.js';
import type { Claim } from '../discovery/types.js';
import { spreadTtl } from '../host/ttl-spread.js';

interface CachedClaim {
  claim: Claim | null;
  initPid: number;
  initStart: number;
  at: number;
  /** how long it is trusted: the TTL, or a share of it the first time (ttl-spread.ts) */
  life: number;
}

export class ClaimCache {
  private readonly claims = new Map<string, CachedClaim>();
  /** The keys asked for since the last prune. */
  private readonly used = new Set<string>();

  constructor(private readonly ttlMs: number) {}

  get(key: string, init: ProcessInfo, make: () => Claim | null, now = Date.now()): Claim | null {
    this.used.add(key);
    const c = this.claims.get(key);
    if (c && c.initPid === init.hostPid && c.initStart === init.startTicks && now - c.at < c.life) return c.claim;
    const claim = make();
    const life = c ? this.ttlMs : spreadTtl(key, this.ttlMs);
    this.claims.set(key, { claim, initPid: init.hostPid, initStart: init.startTicks, at: now, life });
    return claim;
  }

  /** Forget the groups not asked for since the last prune (their containers are gone). */
  prune(): void {
    for (const key of this.claims.keys()) if (!this.used.has(key)) this.claims.delete(key);
    this.used.clear();
  }
}
