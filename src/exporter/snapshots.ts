// Scrapes are answered from a fresh scan, shared only by scrapes that are truly concurrent: those that arrive in the
// same turn of the event loop, and those that arrived while the scan (and the render after it) ran. The scan is
// synchronous, so their requests wait in the kernel: a kept-alive connection's request is read in the poll right
// after the scan. New connections wait in the accept queue, and node accepts one of them per turn of the loop
// (then reads it in the turn after): those accepted in an unbroken run of turns from the first poll after the scan
// were queued during it, and their first request shares it too (the run is bounded by the scan's own duration).
// Any later scrape gets a scan of its own, and so does a client already handed this one (a sequential scraper's
// next request on its kept-alive connection): a snapshot is never served again under a later scrape's timestamp,
// so Prometheus' rate() of a busy container never reads 0 for one interval and double for the next. `maxAgeMs` > 0
// trades that for fewer scans.
import { performance } from 'node:perf_hooks';
import type { SnapshotSource } from '../sampler/sampler.js';
import type { HostSnapshot } from '../snapshot/model.js';

/** The narrow interface the exporter reads through; tests hand it constructed snapshots. */
export interface SnapshotProvider {
  /** `client`: the scrape's connection, so that one client is not handed one scan twice (see FreshSnapshots). */
  get(client?: object): Promise<HostSnapshot>;
  /** A connection was just accepted (the server's 'connection' event). */
  accepted?(client: object): void;
}

/** Two check phases on: what a poll of the loop reads after the current one is read before `fn` runs. */
const afterNextPoll = (fn: () => void): void => void setImmediate(() => setImmediate(fn));

export class FreshSnapshots implements SnapshotProvider {
  /** Kept only with a max age: without one a snapshot is never served after its sharing window. */
  private latest: { snapshot: HostSnapshot; at: number } | undefined;
  /** The scan that just ended, for the requests that queued up while it ran (cleared at the next check phase). */
  private justTaken: HostSnapshot | undefined;
  /** The run of connections accepted, one a turn, since the first poll after a scan (bounded: runGoesOn). */
  private run: { snapshot: HostSnapshot; seq: number } | undefined;
  private runSeq = 0;
  /** A connection of the run, until its first request (read in the poll after its accept). */
  private readonly queued = new WeakMap<object, HostSnapshot>();
  /** The scan each connection was last handed. */
  private readonly handed = new WeakMap<object, HostSnapshot>();
  private inFlight: Promise<HostSnapshot> | undefined;
  scans = 0;

  constructor(
    private readonly source: SnapshotSource,
    private readonly maxAgeMs = 0,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(client?: object): Promise<HostSnapshot> {
    const shared = this.sharedWith(client);
    if (shared) return Promise.resolve(this.hand(client, shared));
    if (this.maxAgeMs > 0 && this.latest && this.now() - this.latest.at <= this.maxAgeMs) return Promise.resolve(this.latest.snapshot);
    this.inFlight ??= this.scanSoon();
    return client === undefined ? this.inFlight : this.inFlight.then((s) => this.hand(client, s));
  }

  accepted(client: object): void {
    const snapshot = this.justTaken ?? (this.run && this.runGoesOn() ? this.run.snapshot : undefined);
    if (!snapshot) return;
    const seq = ++this.runSeq;
    // the run goes on only if the next turn accepts another connection
    this.run = { snapshot, seq };
    this.queued.set(client, snapshot);
    afterNextPoll(() => {
      this.queued.delete(client);
      if (this.run?.seq === seq) this.run = undefined;
    });
  }

  /** The just-taken scan this client may share, if any. */
  private sharedWith(client: object | undefined): HostSnapshot | undefined {
    const queued = client === undefined ? undefined : this.queued.get(client);
    if (queued) this.queued.delete(client!);
    const snapshot = queued ?? this.justTaken;
    if (!snapshot || (client !== undefined && this.handed.get(client) === snapshot)) return undefined;
    return snapshot;
  }

  private hand(client: object | undefined, snapshot: HostSnapshot): HostSnapshot {
    if (client !== undefined) this.handed.set(client, snapshot);
    return snapshot;
  }

  /**
   * When the run of accepts after the scan that just ended stops counting: once the loop has waited idle as long as
   * the scan took (connections queued during the scan keep it busy: each turn accepts one and writes the bodies of
   * those before it, ~50 ms for 10 MB, so wall time alone let only 3 of 8 share a 130-ms scan), and at the latest
   * ten times the scan's duration (at least a second) after it, however busy a stream of clients keeps it.
   */
  private runBound = 0;
  private runIdleFrom = 0;
  private runIdleBudget = 0;

  private runGoesOn(): boolean {
    return performance.now() <= this.runBound && performance.eventLoopUtilization().idle - this.runIdleFrom <= this.runIdleBudget;
  }

  /** setImmediate lets every request that arrived in this turn of the event loop join the same scan. */
  private scanSoon(): Promise<HostSnapshot> {
    return new Promise<HostSnapshot>((resolve, reject) => {
      setImmediate(() => {
        try {
          const t0 = performance.now();
          const snapshot = this.source.scan();
          const t1 = performance.now();
          this.scans++;
          if (this.maxAgeMs > 0) this.latest = { snapshot, at: this.now() };
          // the poll after this check phase handles what arrived during the scan; the next check phase ends it
          this.justTaken = snapshot;
          this.runBound = t1 + Math.max(10 * (t1 - t0), 1000);
          this.runIdleFrom = performance.eventLoopUtilization().idle;
          this.runIdleBudget = t1 - t0;
          setImmediate(() => {
            if (this.justTaken === snapshot) this.justTaken = undefined;
          });
          resolve(snapshot);
        } catch (err) {
          reject(err);
        } finally {
          this.inFlight = undefined;
        }
      });
    });
  }
}
