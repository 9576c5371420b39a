// How a HostScanner scans (scanner.ts): where the host is, what to include, how long what it read is trusted.
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
  /** How long cgroup limit and setting files are trusted before they are read again (ms). */
  specTtlMs?: number;
  /**
   * Keep the procfs/cgroupfs files read every scan open between scans (default true). One-shot callers need not
   * say so: scanHost closes them.
   */
  keepFilesOpen?: boolean;
  /**
   * Read every host process, not only the containers' and their shims' (the dashboard's host tree view). Costs a
   * readdir of /proc each scan, a whole read of each new PID, and a stat read of at most allProcessesPerScan known
   * ones (each known process in its turn); HostScanner.readAllProcesses switches it at run time.
   */
  allProcesses?: boolean;
  /** With allProcesses: how many known processes outside containers a scan refreshes (default 2000). */
  allProcessesPerScan?: number;
  /** Count the open descriptors and sockets of container processes (rate-limited; the exporter asks). */
  descriptors?: boolean;
}
