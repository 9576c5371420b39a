// Open descriptors and sockets of container processes, rate-limited: a process's count (one stat) is refreshed at
// most every filesTtlMs, its sockets (a readlink per descriptor) every socketsTtlMs, each with a random spread so
// 2,000 processes seen at once do not all come due in the same scan again. A new process is read at first sight.
import { countOpenFiles, readDescriptors } from '../host/procfs/fds.js';
import type { HostReader } from '../host/reader.js';
import type { ProcessInfo } from '../host/records.js';

interface Entry {
  startTicks: number;
  files: number;
  sockets: number;
  filesDue: number;
  socketsDue: number;
}

export interface DescriptorCounts {
  files: number;
  sockets: number;
}

export class DescriptorCache {
  private readonly entries = new Map<number, Entry>();

  constructor(
    private readonly r: HostReader,
    private readonly filesTtlMs = 10_000,
    private readonly socketsTtlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  private due(ttl: number, at: number): number {
    return at + ttl * (1 + Math.random() / 2);
  }

  private of(p: ProcessInfo, at: number): Entry | undefined {
    let e = this.entries.get(p.hostPid);
    if (e && e.startTicks !== p.startTicks) e = undefined; // the PID was reused
    if (!e || at >= e.socketsDue) {
      const d = readDescriptors(this.r, p.hostPid);
      if (!d) return undefined;
      e = { startTicks: p.startTicks, ...d, filesDue: this.due(this.filesTtlMs, at), socketsDue: this.due(this.socketsTtlMs, at) };
      this.entries.set(p.hostPid, e);
    } else if (at >= e.filesDue) {
      const files = countOpenFiles(this.r, p.hostPid);
      if (files !== null) e.files = files;
      e.filesDue = this.due(this.filesTtlMs, at);
    }
    return e;
  }

  /** Summed over the container's processes; undefined when none could be read. */
  count(pids: readonly number[], live: ReadonlyMap<number, ProcessInfo>): DescriptorCounts | undefined {
    const at = this.now();
    let files = 0;
    let sockets = 0;
    let read = 0;
    for (const pid of pids) {
      const p = live.get(pid);
      const e = p && this.of(p, at);
      if (!e) continue;
      files += e.files;
      sockets += e.sockets;
      read++;
    }
    return read ? { files, sockets } : undefined;
  }

  /** Forget processes this scan did not see. */
  keepOnly(live: ReadonlyMap<number, ProcessInfo>): void {
    for (const pid of this.entries.keys()) if (!live.has(pid)) this.entries.delete(pid);
  }
}
