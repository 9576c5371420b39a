// The adapter contract: discovery proposes candidate process groups; each runtime adapter, asked in a fixed order,
// claims the groups it recognises and names them from its on-disk metadata only.
import type { HostPaths } from '../host/paths.js';
import type { HostReader } from '../host/reader.js';
import type { Container, ProcessInfo, RuntimeName } from '../snapshot/model.js';
import type { LayerName } from '../snapshot/rootfs/model.js';

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
  /** Every read of a runtime's files goes through it (under the root): a denied or malformed one is a scan note. */
  reader: HostReader;
  /** Per-scan memo for adapters (e.g. a state dir listing read once per scan). */
  memo: Map<string, unknown>;
  /** Record something unreadable without failing the scan. */
  note(path: string, reason: string): void;
}

/** A container that exists in a runtime's state but runs no process; the snapshot makes a Container of it. */
export interface StoppedRecord {
  runtime: RuntimeName;
  id: string;
  name: string;
  image: string;
  state: string;
  labels: Record<string, string>;
  createdAt: number | null;
  startedAt: number | null;
  extra: Record<string, unknown>;
}

/** A directory a runtime changes when one of its containers starts or stops (a path on the host, not under --root). */
export interface StateDir {
  path: string;
  /** How deep below it a change counts (0: its entries only). */
  depth: number;
}

/** What the dashboard may ask of a container; tctop does it for its own, other runtimes' users get a hint. */
export type ContainerAction = 'stop' | 'kill' | 'restart' | 'remove';

/** What tctop knows about a runtime beyond finding its containers. */
/** Where a runtime keeps a container's output, in which format; or why tctop cannot read it (journald, none). */
export type LogSource =
  | {
      path: string;
      format: 'json-file' | 'cri' | 'docker-local';
      /** Older files of the same log (host paths, oldest first; `.gz` ones compressed), read before `path`. */
      rotated?: string[];
    }
  | { unreadable: string };

/** `N`: the runtime's name, as its adapter declares it (defineRuntime); the names of all of them are RuntimeName. */
export interface RuntimeKnowledge<N extends string = string> {
  readonly runtime: N;
  /** Where it keeps its state: watched by the dashboard (those that exist) to rescan at once on a change. */
  stateDirs?(env: NodeJS.ProcessEnv): readonly StateDir[];
  /**
   * The command that does an action tctop does not do on this runtime's containers, for the hint the dashboard
   * shows; `c` holds the container's name and ID already made safe to print.
   */
  actionHint?(action: ContainerAction, c: { id: string; name: string }): string;
  /** The container's log on disk (paths are host paths; the caller reads them under its root). */
  logSource?(c: Container, ctx: DiscoveryContext): LogSource;
  /**
   * The image layers behind a container's overlay lower dirs (as its mount options give them, top-most first): one
   * entry each, in order, naming what the runtime's store knows (digest, store ID), and `path` resolved where the
   * runtime mounts through links (docker's l/<short>). Host paths; the caller's root is in ctx.paths.
   */
  imageLayers?(lowerDirs: readonly string[], ctx: DiscoveryContext): Array<LayerName & { path?: string }>;
}

export interface RuntimeAdapter<N extends string = string> extends RuntimeKnowledge<N> {
  /** The cgroup paths it puts its containers in (v1 and v2 alike, every cgroup driver); group 1 is the ID or name. */
  readonly cgroupNames?: readonly RegExp[];
  claim(candidate: Candidate, ctx: DiscoveryContext): Claim | null;
  /**
   * The name its claim would give the container whose cgroup names `id`, read from the runtime's state (and, where
   * the state's place is there, the shim's command line: `shimArgs`, read when asked) without the rest of a claim:
   * lets `inspect <name>` build only the containers it names. Undefined when the state cannot say (absent,
   * unreadable): that container is then built whole. With `among` (the names the caller looks for), null when the
   * state's text shows its name is none of them without parsing it (metadata.ts: readJsonAmong).
   */
  nameOf?(id: string, ctx: DiscoveryContext, shimArgs: () => string[] | undefined, among?: readonly string[]): string | null | undefined;
  /** Containers of this runtime that exist but run no process (for `ps -a` and inspect of stopped ones). */
  listStopped?(ctx: DiscoveryContext, runningIds: Set<string>): StoppedRecord[];
}

/**
 * An adapter, its runtime's name kept as a literal type: RuntimeName is the names of the adapters listed in
 * adapters/index.ts, so a new runtime is named in its adapter alone.
 */
export function defineAdapter<const N extends string>(adapter: RuntimeAdapter<N>): RuntimeAdapter<N> {
  return adapter;
}

/** defineAdapter for a runtime no adapter finds (the catch-all, sandbox.ts). */
export function defineRuntime<const N extends string>(runtime: RuntimeKnowledge<N>): RuntimeKnowledge<N> {
  return runtime;
}
