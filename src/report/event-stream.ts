// Successive snapshots in, events out. Two waits make the events say what happened, not what a scan glimpsed:
// a container missing from one scan (its init gone, its runtime not yet done writing that it stopped) is kept for
// a moment before it counts as destroyed, and a death whose exit code is not written yet waits for it.
import type { Container, HostSnapshot } from '../snapshot/model.js';
import { diffEvents, type ContainerEvent } from './events.js';

/** Runtimes record an exit within milliseconds; past this, a vanished container is gone. */
const GRACE_SECONDS = 0.5;
/** How long a die waits for its exit code: a loaded dockerd takes longer than the grace, and events stay within 1 s. */
const EXIT_CODE_WAIT_SECONDS = 0.8;

export class EventStream {
  private prev: HostSnapshot | undefined;
  /** Containers the last view still held though their scan did not, since when. */
  private missingSince = new Map<string, number>();
  private held: ContainerEvent[] = [];

  /** Events since the last snapshot given; the first call only sets the baseline. */
  next(scanned: HostSnapshot): ContainerEvent[] {
    const cur = this.withMissing(scanned);
    const prev = this.prev;
    this.prev = cur;
    if (!prev) return [];
    const now = cur.takenAt / 1000;
    const out: ContainerEvent[] = [];
    for (const e of this.held.splice(0)) {
      const c = cur.containers.find((x) => x.id === e.id);
      const code = c && c.init === null ? c.extra.exitCode : undefined;
      if (typeof code === 'number') out.push({ ...e, attributes: { ...e.attributes, exitCode: String(code) } });
      else if (now - e.time >= EXIT_CODE_WAIT_SECONDS || !c) out.push(e);
      else this.held.push(e);
    }
    const events = diffEvents(prev, cur);
    // a container gone whole (destroyed) has no record left to wait for
    const destroyed = new Set(events.filter((e) => e.action === 'destroy').map((e) => e.id));
    for (const e of events) {
      if (e.action === 'die' && e.attributes.exitCode === undefined && !destroyed.has(e.id)) this.held.push(e);
      else out.push(e);
    }
    return out.sort((a, b) => a.time - b.time);
  }

  /** What is still held back, at the end of a stream. */
  flush(): ContainerEvent[] {
    return this.held.splice(0);
  }

  /** The scan, plus what the previous view held that this scan missed, for the grace period. */
  private withMissing(scanned: HostSnapshot): HostSnapshot {
    const now = scanned.takenAt / 1000;
    const seen = new Set(scanned.containers.map((c) => c.id));
    const kept: Container[] = [];
    for (const c of this.prev?.containers ?? []) {
      if (seen.has(c.id)) {
        this.missingSince.delete(c.id);
        continue;
      }
      const since = this.missingSince.get(c.id) ?? now;
      if (now - since < GRACE_SECONDS) {
        this.missingSince.set(c.id, since);
        kept.push(c);
      } else this.missingSince.delete(c.id);
    }
    return kept.length ? { ...scanned, containers: [...scanned.containers, ...kept] } : scanned;
  }
}
