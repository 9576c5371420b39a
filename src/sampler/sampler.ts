// The single clock: one scan per tick, the previous snapshot kept for rates, subscribers fed in order.
import type { HostSnapshot } from '../snapshot/model.js';

export interface SnapshotSource {
  scan(): HostSnapshot;
}

export type Subscriber = (current: HostSnapshot, previous: HostSnapshot | undefined) => void;

export class Sampler {
  private timer: NodeJS.Timeout | undefined;
  private subscribers: Subscriber[] = [];
  private previous: HostSnapshot | undefined;
  private current: HostSnapshot | undefined;

  constructor(
    private readonly source: SnapshotSource,
    private readonly intervalMs: number,
  ) {}

  subscribe(fn: Subscriber): () => void {
    this.subscribers.push(fn);
    return () => {
      this.subscribers = this.subscribers.filter((s) => s !== fn);
    };
  }

  get latest(): HostSnapshot | undefined {
    return this.current;
  }

  get before(): HostSnapshot | undefined {
    return this.previous;
  }

  /** Scan now and notify; returns the new snapshot. */
  tick(): HostSnapshot {
    const snap = this.source.scan();
    this.previous = this.current;
    this.current = snap;
    for (const s of this.subscribers) s(snap, this.previous);
    return snap;
  }

  start(): void {
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }
}
