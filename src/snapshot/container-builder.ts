// From a claimed process group to a Container of the snapshot: identity from the adapter, resources from the
// cgroup the init belongs to, network from the init's network namespace.
import { join } from 'node:path';
import type { CgroupLayout } from '../host/cgroupfs/layout.js';
import { readV1Stats, v1SignalFiles } from '../host/cgroupfs/v1.js';
import { readV1Summary, readV2Summary } from '../host/cgroupfs/summary.js';
import { readV2Frozen, readV2Stats, v2SignalFiles } from '../host/cgroupfs/v2.js';
import { cgroupPathFor } from '../host/procfs/cgroup.js';
import { readCmdline } from '../host/procfs/cmdline.js';
import { readMemberships } from '../host/procfs/process.js';
import { readNamespace, readNamespaces } from '../host/procfs/namespaces.js';
import { parseNetDev } from '../host/procfs/netdev.js';
import { collectPids } from '../host/cgroupfs/procs.js';
import type { HostReader } from '../host/reader.js';
import type { ProcessGroup } from '../discovery/grouping.js';
import type { Candidate, Claim, DiscoveryContext, RuntimeAdapter } from '../discovery/types.js';
import {
  NAMESPACE_TYPES,
  type CgroupStats,
  type Container,
  type ContainerNamespace,
  type HostInfo,
  type NamespaceSet,
  type NetworkStats,
  type ProcessInfo,
} from './model.js';

/** Ask the adapters in order; null when none recognises the group (it becomes a 'sandbox'). */
export function claimGroup(
  r: HostReader,
  g: ProcessGroup,
  parent: ProcessInfo | undefined,
  ctx: DiscoveryContext,
  adapters: readonly RuntimeAdapter[],
): Claim | null {
  // the shim's argv as its process was read (one cmdline read per process, not two)
  const parentArgs = parent ? (parent.argv ?? readCmdline(r, parent.hostPid) ?? undefined) : undefined;
  const candidate: Candidate = {
    key: g.key,
    cgroupPath: g.cgroupPath,
    hint: g.hint,
    processes: g.members,
    init: g.init,
    parent,
    parentArgs: normaliseTitle(parentArgs),
  };
  for (const a of adapters) {
    const claim = a.claim(candidate, ctx);
    if (claim) return claim;
  }
  return null;
}

/** Processes that rewrite their title ("[lxc monitor] /var/lib/lxc c1") leave it in one argv slot: split it. */
function normaliseTitle(args: string[] | undefined): string[] | undefined {
  if (args && args.length === 1 && args[0].includes(' ')) return args[0].split(' ').filter(Boolean);
  return args;
}

export interface BuildInput {
  /** Usage files through it every scan; limit and setting files through its `spec` (cached by long-running scanners). */
  reader: HostReader;
  group: ProcessGroup;
  parent: ProcessInfo | undefined;
  claim: Claim | null;
  host: HostInfo;
  layout: CgroupLayout;
  statsVersion: 1 | 2;
  live: Map<number, ProcessInfo>;
  /** 'summary': ps's figures only (ScanOptions.figures). */
  figures?: 'all' | 'summary';
  /** A quiet container (quiet-containers.ts): its cgroup figures as last read, and its network's too if `netStill`. */
  reuse?: { cgroup: CgroupStats | null; network: NetworkStats | null; netStill: boolean };
  /** Filled with the signal files of the cgroup paths a full read's figures came from (quiet-containers.ts). */
  signals?: string[];
}

function namespacesOf(initNs: NamespaceSet, host: HostInfo): ContainerNamespace[] {
  const out: ContainerNamespace[] = [];
  for (const type of NAMESPACE_TYPES) {
    const inode = initNs[type];
    if (inode !== undefined) out.push({ type, inode, sharedWithHost: host.hostNamespaces[type] === inode });
  }
  return out;
}

/** Whether a cgroup (with its subtree) holds processes, all of them the group's. */
function holdsOnlyGroup(r: HostReader, dir: string, members: Set<number>): boolean {
  const pids: number[] = [];
  collectPids(r, dir, pids);
  return pids.length > 0 && pids.every((pid) => members.has(pid));
}

const parentOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';

/** The unit cgroups a guest's own systemd makes below the cgroup its runtime gave it (init.scope, system.slice…). */
const GUEST_UNIT = /\.(scope|slice|service)$/;

/**
 * A group found by its PID namespace (nspawn, unshare, rootless runc) has no container cgroup of its own: its
 * figures are those of its init's cgroup, climbing over a guest systemd's unit cgroups (nspawn's payload above
 * the guest's init.scope) while the cgroup above holds nothing but the group; none at all when even the init's
 * cgroup is shared (nspawn --keep-unit, a sandbox in a login session).
 */
function ownedAncestor(r: HostReader, mount: string, initPath: string, group: ProcessGroup): string | undefined {
  const members = new Set(group.members.map((p) => p.hostPid));
  if (initPath === '/' || initPath.includes('/..') || !holdsOnlyGroup(r, join(mount, initPath), members)) return undefined;
  let path = initPath;
  while (GUEST_UNIT.test(path) && parentOf(path) !== '/' && holdsOnlyGroup(r, join(mount, parentOf(path)), members)) path = parentOf(path);
  return path;
}

/**
 * The path the group's figures come from in one hierarchy. The walked container cgroup wins over the init's own
 * membership, which may be a nested guest cgroup (lxc.payload.x/init.scope) or, read from inside a cgroup
 * namespace, a relative "/../.." path.
 */
function statsPath(walked: string | undefined, initPath: string | undefined): string | undefined {
  if (walked === undefined) return initPath;
  if (initPath === undefined || initPath.includes('/..') || initPath.startsWith(`${walked}/`)) return walked;
  return initPath;
}

function cgroupStatsOf(input: BuildInput, init: ProcessInfo): CgroupStats | null {
  const m = init.cgroups;
  const walked = input.group.cgroupPath;
  if (input.statsVersion === 2) {
    const initPath = cgroupPathFor(m);
    const path = walked ?? (initPath ? ownedAncestor(input.reader, input.layout.unified!, initPath, input.group) : undefined);
    if (!path || path === '/') return null; // the root cgroup is the whole host, not this container
    const stats =
      input.figures === 'summary'
        ? readV2Summary(input.reader, input.layout.unified!, path)
        : readV2Stats(input.reader, input.layout.unified!, path);
    // crun under systemd freezes only the payload's cgroup below the scope that holds the limits (podman pause:
    // libpod-<id>.scope/container frozen, the scope not; seen in the Debian 13 guest): the init's cgroup decides
    const payload = initPath?.startsWith(`${path}/`) && !initPath.includes('/..') ? initPath : undefined;
    if (stats.frozen === false && payload) stats.frozen = readV2Frozen(input.reader, input.layout.unified!, payload) ?? false;
    input.signals?.push(...v2SignalFiles(input.layout.unified!, path, payload));
    return stats;
  }
  const ctrl = ['memory', 'pids', 'cpu'].find((c) => cgroupPathFor(m, c) !== undefined && input.layout.v1.has(c));
  const primary = ctrl ? cgroupPathFor(m, ctrl) : undefined;
  if (!ctrl || !primary) return null;
  if (walked !== undefined) {
    const pathOf = (c: string) => statsPath(walked, cgroupPathFor(m, c));
    return pathOf(ctrl) === '/' ? null : readV1(input, pathOf);
  }
  const owned = ownedAncestor(input.reader, input.layout.v1.get(ctrl)!, primary, input.group);
  if (!owned) return null;
  // the same number of levels up in every hierarchy (v1 runtimes lay out every controller alike)
  const up = primary.split('/').length - owned.split('/').length;
  const pathOf = (c: string) => {
    const p = cgroupPathFor(m, c);
    return p === undefined
      ? undefined
      : p
          .split('/')
          .slice(0, p.split('/').length - up)
          .join('/') || '/';
  };
  return readV1(input, pathOf);
}

function readV1(input: BuildInput, pathOf: (controller: string) => string | undefined): CgroupStats {
  input.signals?.push(...v1SignalFiles(input.layout, pathOf));
  return input.figures === 'summary'
    ? readV1Summary(input.reader, input.layout, pathOf)
    : readV1Stats(input.reader, input.layout, pathOf, input.host.clockTicks);
}

/**
 * A running container's freezer is the truth about pause, read every scan: a runtime's own record of it may be
 * older (its claim is cached for seconds), and a runtime that knows nothing of pause is frozen all the same.
 */
function liveState(claimed: string, frozen: boolean | undefined): string {
  if (frozen === true && claimed === 'running') return 'paused';
  if (frozen === false && claimed === 'paused') return 'running';
  return claimed;
}

export function buildContainer(input: BuildInput): Container {
  const { reader, group, parent, claim, host, live } = input;
  const init = (claim?.initPid !== undefined && live.get(claim.initPid)) || group.init;
  // members are read without their memberships (readProcessMember, readProcessLight): the init's place its figures
  if (init.cgroups.length === 0) init.cgroups = readMemberships(reader, init.hostPid);
  const pids = [
    init.hostPid,
    ...group.members
      .map((p) => p.hostPid)
      .filter((p) => p !== init.hostPid)
      .sort((a, b) => a - b),
  ];
  // a container in the host's network namespace (--network host, hostNetwork pods) has no traffic of its own:
  // its net/dev is the whole host's, so it reports none, as cAdvisor does
  // read once per init and kept on it (the scanner caches the process): only inits need their namespaces
  // a summary needs the PID namespace alone (a sandbox's ID), and is not kept on the process: it is not all of them
  const summary = input.figures === 'summary';
  const ns =
    init.namespaces ??
    (summary ? { pid: readNamespace(reader, init.hostPid, 'pid') } : (init.namespaces = readNamespaces(reader, init.hostPid)));
  const hostNet = ns.net !== undefined && ns.net === host.hostNamespaces.net;
  const reuse = input.reuse;
  const netDev = hostNet || summary || reuse?.netStill ? null : reader.hotText(join(reader.paths.proc, String(init.hostPid), 'net/dev'));
  const startedAt = host.bootTimeSeconds + init.startTicks / host.clockTicks;
  const shimmed = claim?.parentIsShim && parent && init.ppid === parent.hostPid;
  const pidnsInode = ns.pid;
  const cgroup = reuse ? reuse.cgroup : cgroupStatsOf(input, init);
  const claimed = claim?.state ?? 'running';

  return {
    id: claim?.id ?? `ns-${pidnsInode ?? init.hostPid}`,
    name: claim?.name ?? init.comm,
    runtime: claim?.runtime ?? 'sandbox',
    image: claim?.image ?? '',
    state: liveState(claimed, cgroup?.frozen),
    labels: claim?.labels ?? {},
    shim: shimmed ? { pid: parent.hostPid, command: parent.command } : null,
    init: { hostPid: init.hostPid, containerPid: init.containerPid },
    pids,
    namespaces: namespacesOf(ns, host),
    cgroup,
    network: reuse?.netStill ? reuse.network : netDev !== null ? parseNetDev(netDev) : null,
    startedAt: claim?.startedAt ?? startedAt,
    createdAt: claim?.createdAt ?? null,
    extra: claim?.extra ?? {},
  };
}
