// The PID namespace of every host PID a scanner has seen, and those outside the host's PID namespace: each scan
// looks at those few, not at every host PID, to find sandboxes and nspawn machines no container cgroup holds.
// The links are read through a reader that keeps no notes: this is a survey, as the native helper makes it for
// one-shot scans (pidns-aside.ts), which skips a link it cannot read without saying so; both scans note the same.
import { readNamespace } from '../host/procfs/namespaces.js';
import { HostReader } from '../host/reader.js';

export class PidIndex {
  /** PID namespace inode of every PID seen; undefined when unreadable. */
  private readonly pidns = new Map<number, number | undefined>();
  /** The PIDs of `pidns` outside the host's PID namespace. */
  private readonly outside = new Map<number, number>();

  /** Reads the links (kept open files do not matter for a readlink). */
  readonly survey: HostReader;

  constructor(
    reader: HostReader,
    private readonly hostPidns: number | undefined,
  ) {
    this.survey = new HostReader(reader.paths, { keepNotes: false });
  }

  has(pid: number): boolean {
    return this.pidns.has(pid);
  }

  note(pid: number, ns: number | undefined): void {
    this.pidns.set(pid, ns);
    if (ns !== undefined && this.hostPidns !== undefined && ns !== this.hostPidns) this.outside.set(pid, ns);
  }

  forget(pid: number): void {
    this.pidns.delete(pid);
    this.outside.delete(pid);
  }

  /** Every PID seen. */
  knownPids(): Uint32Array {
    const out = new Uint32Array(this.pidns.size);
    let i = 0;
    for (const pid of this.pidns.keys()) out[i++] = pid;
    return out;
  }

  /** The PIDs outside the host's PID namespace, with their namespace. */
  outsideHost(): Array<{ pid: number; pidns: number }> {
    return [...this.outside].map(([pid, pidns]) => ({ pid, pidns }));
  }

  outsidePids(): Set<number> {
    return new Set(this.outside.keys());
  }

  /**
   * Bring the index to `pids`, every PID on the host (a readdir of /proc): the namespace of new ones is read,
   * vanished ones are forgotten (and `gone` told). True when the set of PIDs changed.
   */
  track(pids: number[], gone: (pid: number) => void): boolean {
    let changed = false;
    // a first pass has nothing to forget (and one-shot scans need no Set of 5,000 PIDs to learn that)
    const seen = this.pidns.size ? new Set(pids) : new Set<number>();
    for (const pid of this.pidns.keys()) {
      if (!seen.has(pid)) {
        this.forget(pid);
        gone(pid);
        changed = true;
      }
    }
    for (const pid of pids) {
      if (!this.pidns.has(pid)) {
        this.note(pid, readNamespace(this.survey, pid, 'pid'));
        changed = true;
      }
    }
    return changed;
  }
}
