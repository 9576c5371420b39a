// How a HostScanner scans (scanner.ts): where the host is, what to include, how long what it read is trusted.
import type { CgroupHint } from '../discovery/types.js';

/**
 * Whether a container cgroup may be one the caller wants, from its runtime and ID (the cgroup's name) and, asked
 * only when those do not decide, the name its runtime's state gives it (undefined: the state cannot say; null: the
 * state shows it is none of `among`, the names the caller looks for).
 */
export type CgroupSelection = (hint: CgroupHint, nameOf: (among?: readonly string[]) => string | null | undefined) => boolean;

export interface ScanOptions {
  /** Root the host is read under: '/' normally, a fixture tree in tests, '/host' in a DaemonSet. */
  root?: string;
  /** Also list containers that exist in runtime state but run no process (ps -a, inspect). */
  includeStopped?: boolean;
  /** How long a runtime's metadata claim is trusted before it is read again (ms). */
  claimTtlMs?: number;
  /**
   * Between full passes (a readdir of /proc and a cgroup tree walk) a scan probes only the PIDs allocated since
   * the last scan. Exited host processes are forgotten at the next full pass (ms).
   */
  fullPassIntervalMs?: number;
  /**
   * A long-running scanner's periodic full pass is made between scans by the native helper (tctop-pidns --every, on
   * the other core) and taken by the scan after it (aside-survey.ts); when the helper is missing, fails or is late,
   * the scan makes it itself. What only a full pass finds (an exited host process forgotten, a PID no probe covered,
   * a cgroup a process was moved into) is then seen as of the survey's start, which is younger than the interval:
   * at most one lead later than before, the lead being how long before the scan the survey starts: half the time
   * between scans, or the larger of 1 s and four times the survey's own time if that is less (aside-survey.ts).
   * The dashboard and the exporter ask for it.
   */
  fullPassAside?: boolean;
  /** The helper fullPassAside starts (default native/build/tctop-pidns; tests name a missing one). */
  pidnsHelper?: string;
  /** How long cgroup limit and setting files are trusted before they are read again (ms). */
  specTtlMs?: number;
  /**
   * Read the limit and setting files that will be due at the next scan between scans instead of in it
   * (spec-prefetch.ts): the exporter asks for it, so that a scrape does not wait for them. Needs keepFilesOpen.
   */
  prefetchSpecs?: boolean;
  /**
   * Keep the procfs/cgroupfs files read every scan open between scans (default true). One-shot callers need not
   * say so: scanHost closes them.
   */
  keepFilesOpen?: boolean;
  /** Descriptors the kept files may use (default: host/fd-budget.ts's share of the descriptor limit). */
  fdBudget?: number;
  /**
   * Read every host process, not only the containers' and their shims' (the dashboard's host tree view). Costs a
   * readdir of /proc each scan, a whole read of each new PID, and a stat read of at most allProcessesPerScan known
   * ones (each known process in its turn); HostScanner.readAllProcesses switches it at run time.
   */
  allProcesses?: boolean;
  /**
   * 'summary': each container's one-line figures only (`tctop ps`): CPU time, memory used and its limit, paused or
   * not, from four cgroup files of twenty; its init's PID namespace alone; no network counters. Default 'all'.
   */
  figures?: 'all' | 'summary';
  /**
   * Build only the container cgroups this accepts (`inspect` of named containers); the others' processes are not
   * read, and are no sandbox either. The snapshot is then `partial`. Containers found by PID namespace, and
   * stopped ones, are all there.
   */
  select?: CgroupSelection;
  /** With allProcesses: how many known processes outside containers a scan refreshes (default 2000). */
  allProcessesPerScan?: number;
  /**
   * A long-running scanner reads a container whose movement signals (CPU time, memory charged, frozen) did not move
   * since the last scan from those alone, reusing its last figures (quiet-containers.ts), and reads every container
   * whole at least this often (ms; default $TCTOP_QUIET_MAX_AGE_MS, else 10,000). 0: every container is read whole
   * every scan.
   */
  quietMaxAgeMs?: number;
  /**
   * With a focus (HostScanner.focus: the containers a consumer shows), how often the quiet containers outside it are
   * read whole at least (ms; default 300,000, never less than quietMaxAgeMs).
   */
  unfocusedMaxAgeMs?: number;
  /**
   * With a focus, how often the movement signals but CPU time (memory usage, frozen; on v2 also IO and pressure) of
   * the quiet containers outside it are read (ms; default 5,000); CPU time is read every scan.
   */
  unfocusedSignalsMs?: number;
  /** Count the open descriptors and sockets of container processes (rate-limited; the exporter asks). */
  descriptors?: boolean;
}
