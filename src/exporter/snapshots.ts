// Scrapes are answered from a fresh scan, shared only by scrapes that are truly concurrent: those that arrive in the
// same turn of the event loop, and those that arrived while the scan ran (the scan is synchronous, so their
// requests wait in the socket buffers and are handled in the turn right after it). A scrape that comes later gets a
// scan of its own: a snapshot is never served again under a later scrape's timestamp, so Prometheus' rate() of a
// busy container never reads 0 for one interval and double for the next. `maxAgeMs` > 0 trades that for fewer scans.
import type { SnapshotSource } from '../sampler/sampler.js';
import type { HostSnapshot } from '../snapshot/model.js';

/** The narrow interface the exporter reads through; tests hand it constructed snapshots. */
export interface SnapshotProvider {
  get(): Promise<HostSnapshot>;
}

export class FreshSnapshots implements SnapshotProvider {
  private latest: { snapshot: HostSnapshot; at: number } | undefined;
  /** The scan that just ended, for the requests that queued up while it ran (cleared at the next check phase). */
  private justTaken: HostSnapshot | undefined;
  private inFlight: Promise<HostSnapshot> | undefined;
  scans = 0;

  constructor(
    private readonly source: SnapshotSource,
    private readonly maxAgeMs = 0,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(): Promise<HostSnapshot> {
    if (this.justTaken) return Promise.resolve(this.justTaken);
    if (this.maxAgeMs > 0 && this.latest && this.now() - this.latest.at <= this.maxAgeMs) return Promise.resolve(this.latest.snapshot);
    if (!this.inFlight) {
      // setImmediate lets every request that arrived in this turn of the event loop join the same scan
      this.inFlight = new Promise<HostSnapshot>((resolve, reject) => {
        setImmediate(() => {
          try {
            const snapshot = this.source.scan();
            this.scans++;
            this.latest = { snapshot, at: this.now() };
            // the poll phase after this one handles what arrived during the scan; the next check phase ends it
            this.justTaken = snapshot;
            setImmediate(() => {
              this.justTaken = undefined;
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
    return this.inFlight;
  }
}
