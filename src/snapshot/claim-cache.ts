// The runtimes' claims on process groups, kept between scans: metadata is re-read only when a group's init changes
// (another PID, the same PID with another start time, or another parent) or its claim grows older than its share of
// the TTL. A claim past its TTL whose state files are all as they were when it was made (state-stamps.ts: one stat
// each, no read nor parse) is kept for another TTL: it is what reading them again would make.
import type { HostReader } from '../host/reader.js';
import type { ProcessInfo } from '../host/records.js';
import { type StateStamp, unchanged } from '../host/state-stamps.js';
import type { Claim } from '../discovery/types.js';
import { spreadTtl } from '../host/ttl-spread.js';

interface CachedClaim {
  claim: Claim | null;
  initPid: number;
  initStart: number;
  initParent: number;
  at: number;
  /** how long it is trusted: the TTL, or a share of it the first time (ttl-spread.ts) */
  life: number;
  /** the state files it was made from; null: it read something else too, so it is made again each TTL */
  stamps: StateStamp[] | null;
}

export class ClaimCache {
  private readonly claims = new Map<string, CachedClaim>();
  /** The keys asked for since the last prune. */
  private readonly used = new Set<string>();

  constructor(private readonly ttlMs: number) {}

  /** `reader`: the one `make` reads through, which stamps the state files it reads (without it, none are). */
  get(key: string, init: ProcessInfo, make: () => Claim | null, now = Date.now(), reader?: HostReader): Claim | null {
    this.used.add(key);
    const c = this.claims.get(key);
    const same = c && c.initPid === init.hostPid && c.initStart === init.startTicks && c.initParent === init.ppid;
    if (same && now - c.at < c.life) return c.claim;
    if (same && c.stamps && unchanged(c.stamps)) {
      c.at = now;
      c.life = this.ttlMs;
      return c.claim;
    }
    const made = reader ? reader.stamped(make, now) : { value: make(), stamps: null };
    const life = c ? this.ttlMs : spreadTtl(key, this.ttlMs);
    this.claims.set(key, {
      claim: made.value,
      initPid: init.hostPid,
      initStart: init.startTicks,
      initParent: init.ppid,
      at: now,
      life,
      stamps: made.stamps,
    });
    return made.value;
  }

  /** Forget the groups not asked for since the last prune (their containers are gone). */
  prune(): void {
    for (const key of this.claims.keys()) if (!this.used.has(key)) this.claims.delete(key);
    this.used.clear();
  }
}
