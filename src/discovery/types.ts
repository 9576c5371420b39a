// The adapter contract: discovery proposes candidate process groups; each runtime adapter, asked in a fixed order,
// claims the groups it recognises and names them from its on-disk metadata only.
import type { HostPaths } from '../host/paths.js';
import type { Container, ProcessInfo, RuntimeName } from '../snapshot/model.js';

/** What the cgroup path alone says (a hint, confirmed or overridden by adapters). */
export interface CgroupHint {
  runtime: RuntimeName;
  id: string;
}

export interface Candidate {
  /** Stable key: 'cgroup:<path>' or 'pidns:<inode>'. */
  key: string;
  /** Path in the discovery hierarchy ('/docker/<id>'), when the group came from a container cgroup. */
  cgroupPath?: string;
  hint?: CgroupHint;
  /** Member processes (read whole), init first. */
  processes: ProcessInfo[];
  init: ProcessInfo;
  /** The init's parent when it is outside the group (the shim, if a runtime holds the container). */
  parent?: ProcessInfo;
  parentArgs?: string[];
}

/** What an adapter knows about a container from its metadata. */
export interface Claim {
  runtime: RuntimeName;
  id: string;
  name: string;
  image: string;
  state?: string;
  labels?: Record<string, string>;
  createdAt?: number | null;
  startedAt?: number | null;
  /** Whether the init's parent counts as this runtime's shim. */
  parentIsShim: boolean;
  /** Runtime metadata names a different init host PID (e.g. docker State.Pid). */
  initPid?: number;
  extra?: Record<string, unknown>;
}

export interface DiscoveryContext {
  paths: HostPaths;
  /** Per-scan memo for adapters (e.g. a state dir listing read once per scan). */
  memo: Map<string, unknown>;
  /** Record something unreadable without failing the scan. */
  note(path: string, reason: string): void;
}

export interface RuntimeAdapter {
  readonly runtime: RuntimeName;
  claim(candidate: Candidate, ctx: DiscoveryContext): Claim | null;
  /** Containers of this runtime that exist but run no process (for `ps -a` and inspect of stopped ones). */
  listStopped?(ctx: DiscoveryContext, runningIds: Set<string>): Container[];
}
