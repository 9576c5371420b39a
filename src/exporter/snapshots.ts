// Scrapes are answered from a snapshot no older than maxAgeMs. Concurrent scrapes that need a new one share a
// single in-flight scan, so N clients cost one scan, not N.
import type { SnapshotSource } from '../sampler/sampler.js';
import type { HostSnapshot } from '../snapshot/model.js';

/** The narrow interface the exporter reads through; tests hand it constructed snapshots. */
export interface SnapshotProvider {
  get(): Promise<HostSnapshot>;
}

export class FreshSnapshots implements SnapshotProvider {
  private latest: { snapshot: HostSnapshot; at: number } | undefined;
  private inFlight: Promise<HostSnapshot> | undefined;
  scans = 0;

  constructor(
    private readonly source: SnapshotSource,
    private readonly maxAgeMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(): Promise<HostSnapshot> {
    if (this.latest && this.now() - this.latest.at <= this.maxAgeMs) return Promise.resolve(this.latest.snapshot);
    if (!this.inFlight) {
      // setImmediate lets every request that arrived in this turn of the event loop join the same scan
      this.inFlight = new Promise<HostSnapshot>((resolve, reject) => {
        setImmediate(() => {
          try {
            const snapshot = this.source.scan();
            this.scans++;
            this.latest = { snapshot, at: this.now() };
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
