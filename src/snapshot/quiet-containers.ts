// Quiet containers: a long-running scanner's steady scan costs what changed, not what exists (cAdvisor's dynamic
// housekeeping, made exact). Each scan reads a container cgroup's movement signals first (v1: cpuacct.usage,
// memory.usage_in_bytes, freezer.state; v2: v2SignalFiles), before its members. When they read exactly as at the
// scan before, none of its tasks ran since: a fork, an exit, an exec, a signal delivered, a page fault, an IO
// submitted, a charge that failed all take the container's own CPU time, counted to the nanosecond in cpuacct.usage
// (v1; cpu.stat's usage_usec on v2), and its memory was neither charged, reclaimed nor swapped, nor was it frozen or
// thawed. Its other figures (memory.stat, pids, blkio, its processes' stat, its members) can then only read as they
// did, so the scan reuses them (and a loopback-only network namespace's net/dev: only its tasks move lo) instead of
// reading them again. They are the values the kernel would give now, not stale ones: the counters that did not
// move are the evidence.
//
// What can still change unseen (LRU aging of a page between the inactive and active lists without reclaiming it, a
// page charged elsewhere but mapped here, an interface moved into the netns from outside, a process attached to the
// cgroup by another that has not run in it yet, a netns shared with another container) is bounded by a full read
// of every container at least every `maxAgeMs`, the phases spread (ttl-spread.ts) so that not all of them fall due
// in one scan. A container with no CPU counter is always read whole.
//
// A consumer that shows some containers only (the dashboard: the rows on screen, the one opened) may name them
// (setFocus): those keep the max age and are read whole at the first scan after they join the focus, so a row
// scrolled into view shows figures read at that scan, not ones reused since long before; the others are read
// whole at least every `unfocusedMaxAgeMs`. Their figures that a quiet container's signals prove still (CPU time,
// memory charged, frozen) are exact either way: the longer age bounds only what can change unseen (above).
// Outside the focus, unless the consumer needs every signal every scan (`everySignal`: the dashboard sorted by
// memory or state), only the CPU signal is read every scan and the others every `unfocusedSignalsMs`: such a
// container's CPU time is exact every scan, its memory usage and frozen state (v2: its IO and pressure too) at most
// that old; a signal that moved meanwhile makes a full read when it is read (its baseline was read before the last
// full read, as every baseline is).
//
// On cgroup v1 the CPU signal of containers that share a parent cgroup (docker/, tctop/, a pod's) is often proven
// without reading it: the kernel charges each task's CPU time to its cgroup and to every ancestor alike
// (cpuacct_charge), so a parent whose cpuacct.usage reads as at the scan before had none of its descendants run
// between the two reads, and each child's counter reads as it did then. The parent is read once a scan, before any
// of its children; a child whose CPU text is known from the scan before takes it from there. On a host whose
// containers are all busy that proves nothing and costs one read per parent a scan; at 1,000 idle containers it
// saves 1,000 reads a scan. Not on v2: cpu.stat's usage_usec rounds the sum of nanoseconds (a child may cross a
// microsecond while its parent does not). What it cannot see is a child's counter reset (writing 0 to its
// cpuacct.usage, which no runtime does): bounded by the full reads, as above.
import type { HostReader } from '../host/reader.js';
import type { Claim } from '../discovery/types.js';
import type { Container, ProcessInfo } from './model.js';
import type { CgroupStats, NetworkStats } from '../host/records.js';
import { spreadTtl } from '../host/ttl-spread.js';

/** What a quiet container's scan reuses from its last full read. */
export interface QuietFigures {
  cgroup: CgroupStats | null;
  network: NetworkStats | null;
  /** The network namespace's inode, when known. */
  netns?: number;
  /**
   * The Container last built from these figures, with the claim and shim record it was built from: a quiet scan
   * with the same claim and shim and a still network has nothing to build it from that differs (container-assembly.ts).
   */
  built?: { container: Container; claim: Claim | null; parent: ProcessInfo | undefined };
}

interface Entry {
  /** Signal files (CPU first), as the last full read's cgroup paths name them. */
  files: string[];
  /** Their texts as read before the last full read; undefined until a scan read them before its full read. */
  signals: (string | null)[] | undefined;
  /** This scan had a baseline to compare with (the container may have been quiet). */
  compared: boolean;
  figures: QuietFigures;
  /** The container's ID (the focus names containers by it). */
  id: string;
  /** When its last full read was (for the age due under the focus: wholeDue). */
  readAt: number;
  /** Where in each max age its slots fall, a share in (0, 1] its path picks (ttl-spread.ts). */
  phase: number;
  /** Whether it was in the focus at its last full read or at the last scan that found it quiet. */
  focused: boolean;
  /** When every one of its signals was last read (outside the focus only the CPU one is read every scan). */
  signalsAt: number;
  /** The scan that last saw the container (entries of gone containers are dropped). */
  seen: number;
  /** The scan whose CPU text signals[0] is (read then, or proven by the parent: parentCpu). */
  cpuAt: number;
  /** v1: the parent cgroup's cpuacct.usage (see the head comment). */
  parentCpu: string | undefined;
}

/** A parent cgroup's CPU counter, read at most once a scan. */
interface ParentCpu {
  text: string | null;
  /** Its text at the scan before, when it was read then. */
  before: string | null | undefined;
  /** The scan it was last read in. */
  at: number;
}

const V1_CPU = '/cpuacct.usage';

/** The parent cgroup's cpuacct.usage of a v1 container's one; undefined on v2 (see the head comment). */
function parentCpuFile(cpuFile: string | undefined): string | undefined {
  if (!cpuFile?.endsWith(V1_CPU)) return undefined;
  const dir = cpuFile.slice(0, -V1_CPU.length);
  const cut = dir.lastIndexOf('/');
  return cut > 0 ? dir.slice(0, cut) + V1_CPU : undefined;
}

export class QuietContainers {
  private readonly entries = new Map<string, Entry>();
  /** This scan's decisions, by container cgroup path. */
  private readonly decided = new Map<string, boolean>();
  /** How many containers were in each network namespace at the last scan. */
  private netnsCount = new Map<number, number>();
  /** The parent cgroups two or more containers seen at the last scan share (their CPU files), and what they read. */
  private parents = new Map<string, ParentCpu>();
  private scanNo = 0;
  private now = 0;
  /** The IDs of the containers a consumer shows; undefined: every container keeps maxAgeMs. */
  private focus: ReadonlySet<string> | undefined;
  /** Every signal of every container read every scan, focus or not. */
  private everySignal = true;
  /** This scan's count of container cgroups found quiet, and of those read whole (benchmarks print the share). */
  readonly counts = { quiet: 0, whole: 0 };

  /**
   * @param maxAgeMs a container is read whole at least this often (with a focus: those in it)
   * @param unfocusedMaxAgeMs with a focus, those outside it at least this often (never less than maxAgeMs)
   * @param unfocusedSignalsMs with a focus, how often the signals but the CPU one of those outside it are read
   */
  constructor(
    private readonly reader: HostReader,
    private readonly maxAgeMs: number,
    private readonly unfocusedMaxAgeMs = maxAgeMs,
    private readonly unfocusedSignalsMs = 0,
  ) {}

  /**
   * From the next scan on, the containers a consumer shows (undefined: none singled out), and whether it needs every
   * signal of the others every scan too (see the head comment).
   */
  setFocus(ids: ReadonlySet<string> | undefined, everySignal = false): void {
    this.focus = ids;
    this.everySignal = ids === undefined || everySignal;
  }

  private inFocus(id: string): boolean {
    return this.focus === undefined || this.focus.has(id);
  }

  /**
   * Whether a full read is due whatever the signals say: a slot of its schedule passed since its last full read.
   * Slots come every max age (the focus's: maxAgeMs or unfocusedMaxAgeMs) at a phase its path picks
   * (ttl-spread.ts), so the containers' full reads stay spread over the scans of a max age, and a full read because
   * the container moved leaves the schedule as it is.
   */
  private wholeDue(e: Entry, focused: boolean): boolean {
    return this.slotPassed(e, focused ? this.maxAgeMs : Math.max(this.maxAgeMs, this.unfocusedMaxAgeMs), e.readAt);
  }

  /** Whether one of the entry's slots every `period` (at its phase) fell after `since`, up to now. */
  private slotPassed(e: Entry, period: number, since: number): boolean {
    const phase = e.phase * period;
    const slot = (t: number) => Math.floor((t - phase) / period);
    return slot(this.now) > slot(since);
  }

  /** This scan's texts of the entry's signals: all of them, or the CPU one with the others as last read. */
  private readSignals(e: Entry, focused: boolean): (string | null)[] {
    if (e.files.length === 0) return []; // no CPU counter: never quiet
    const before = e.signals;
    const all =
      focused ||
      this.everySignal ||
      before === undefined ||
      this.unfocusedSignalsMs <= 0 ||
      this.slotPassed(e, this.unfocusedSignalsMs, e.signalsAt);
    const cpu = this.cpuText(e);
    e.cpuAt = this.scanNo;
    if (!all) return e.files.map((_, i) => (i === 0 ? cpu : before[i]));
    e.signalsAt = this.now;
    return e.files.map((f, i) => (i === 0 ? cpu : this.reader.hotRecordText(f)));
  }

  /** The entry's CPU text now: the scan before's when its parent proves it still (head comment), else as read. */
  private cpuText(e: Entry): string | null {
    const parent = e.parentCpu === undefined ? undefined : this.parents.get(e.parentCpu);
    if (parent) {
      if (parent.at !== this.scanNo) {
        // read before any child this scan: a child read after it and before its next read moved it, if it ran
        parent.before = parent.at === this.scanNo - 1 ? parent.text : undefined;
        parent.text = this.reader.hotRecordText(e.parentCpu!);
        parent.at = this.scanNo;
      }
      const still = parent.text !== null && parent.text === parent.before;
      if (still && e.signals !== undefined && e.cpuAt === this.scanNo - 1) return e.signals[0];
    }
    return this.reader.hotRecordText(e.files[0]);
  }

  beginScan(now: number): void {
    this.now = now;
    this.scanNo++;
    this.decided.clear();
    this.counts.quiet = this.counts.whole = 0;
  }

  /**
   * Whether the container cgroup `path` is quiet in this scan (decided once per scan, before its members are read):
   * its signals read as at the scan before, no full read due by its age (wholeDue) or by its joining the focus, and
   * no PID new to the host in it (`touched`). Reads its signal files.
   */
  isQuiet(path: string, touched = false): boolean {
    const done = this.decided.get(path);
    if (done !== undefined) return done;
    const e = this.entries.get(path);
    let quiet = false;
    if (e) {
      e.seen = this.scanNo;
      const focused = this.inFocus(e.id);
      const fresh = this.readSignals(e, focused);
      const before = e.signals;
      e.compared = before !== undefined;
      const same = before !== undefined && sameTexts(fresh, before);
      quiet = !touched && same && fresh.length > 0 && fresh[0] !== null && (e.focused || !focused) && !this.wholeDue(e, focused);
      // texts as before: the ones kept since are kept on (this scan's copies die young instead of being promoted
      // with the scan's other survivors: 3,000 strings and 1,000 arrays a scan at 1,000 v1 containers)
      e.signals = same ? before : fresh;
      if (quiet) e.focused = focused;
    }
    this.decided.set(path, quiet);
    if (quiet) this.counts.quiet++;
    else this.counts.whole++;
    return quiet;
  }

  /** The figures a quiet container reuses (isQuiet answered true in this scan). */
  figures(path: string): QuietFigures | undefined {
    return this.decided.get(path) ? this.entries.get(path)?.figures : undefined;
  }

  /** A loopback-only network namespace no other container shares: its counters move only by the container's tasks. */
  netDevStill(f: QuietFigures): boolean {
    const n = f.network;
    return n !== null && f.netns !== undefined && this.netnsCount.get(f.netns) === 1 && n.interfaces.every((i) => i.name === 'lo');
  }

  /** After a full read of the container `id` at `path`: its figures, and the signal files its cgroup paths name. */
  recordFull(path: string, id: string, files: string[], figures: QuietFigures): void {
    const e = this.entries.get(path);
    const same = e !== undefined && e.files.length === files.length && e.files.every((f, i) => f === files[i]);
    this.entries.set(path, {
      files,
      // read before this full read, at these paths: the baseline the next scan compares with
      signals: same && this.decided.has(path) ? e.signals : undefined,
      figures,
      id,
      readAt: this.now,
      phase: e?.phase ?? spreadTtl(path, 1),
      focused: this.inFocus(id),
      signalsAt: e?.signalsAt ?? this.now,
      compared: false,
      seen: this.scanNo,
      cpuAt: e?.cpuAt ?? -1,
      parentCpu: parentCpuFile(files[0]),
    });
  }

  /**
   * After a scan: count the containers per network namespace, forget the containers it did not see; returns their
   * cgroup paths (the files kept open for them may go).
   */
  endScan(netnsOf: Iterable<number | undefined>): string[] {
    const count = new Map<number, number>();
    for (const ns of netnsOf) if (ns !== undefined) count.set(ns, (count.get(ns) ?? 0) + 1);
    this.netnsCount = count;
    const gone: string[] = [];
    const children = new Map<string, number>();
    for (const [path, e] of this.entries) {
      if (e.seen === this.scanNo) {
        if (e.parentCpu !== undefined) children.set(e.parentCpu, (children.get(e.parentCpu) ?? 0) + 1);
        continue;
      }
      this.entries.delete(path);
      gone.push(path);
    }
    // a parent of one container proves no more than that container's own read would
    const parents = new Map<string, ParentCpu>();
    for (const [file, n] of children) if (n >= 2) parents.set(file, this.parents.get(file) ?? { text: null, before: undefined, at: -1 });
    this.parents = parents;
    return gone;
  }
}

function sameTexts(a: readonly (string | null)[], b: readonly (string | null)[]): boolean {
  return a.length === b.length && a.every((text, i) => text === b[i]);
}
