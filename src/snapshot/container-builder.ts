// From a claimed process group to a Container of the snapshot: identity from the adapter, resources from the
// cgroup the init belongs to, network from the init's network namespace.
import { join } from 'node:path';
import type { CgroupLayout } from '../host/cgroupfs/layout.js';
import { readV1Stats } from '../host/cgroupfs/v1.js';
import { readV2Stats } from '../host/cgroupfs/v2.js';
import { cgroupPathFor } from '../host/procfs/cgroup.js';
import { readCmdline } from '../host/procfs/cmdline.js';
import { parseNetDev } from '../host/procfs/netdev.js';
import type { HostPaths } from '../host/paths.js';
import { readText } from '../host/read.js';
import { collectPids } from '../discovery/cgroup-walk.js';
import type { ProcessGroup } from '../discovery/grouping.js';
import type { Candidate, Claim, DiscoveryContext, RuntimeAdapter } from '../discovery/types.js';
import { NAMESPACE_TYPES, type CgroupStats, type Container, type ContainerNamespace, type HostInfo, type ProcessInfo } from './model.js';

/** Ask the adapters in order; null when none recognises the group (it becomes a 'sandbox'). */
export function claimGroup(g: ProcessGroup, parent: ProcessInfo | undefined, ctx: DiscoveryContext, adapters: readonly RuntimeAdapter[]): Claim | null {
  const parentArgs = parent ? readCmdline(ctx.paths.proc, parent.hostPid) ?? undefined : undefined;
  const candidate: Candidate = { key: g.key, cgroupPath: g.cgroupPath, hint: g.hint, processes: g.members, init: g.init, parent, parentArgs: normaliseTitle(parentArgs) };
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
  group: ProcessGroup;
  parent: ProcessInfo | undefined;
  claim: Claim | null;
  host: HostInfo;
  layout: CgroupLayout;
  statsVersion: 1 | 2;
  paths: HostPaths;
  live: Map<number, ProcessInfo>;
  /** Reader for limit/setting files (cached by long-running scanners). */
  readSpec: (path: string) => string | null;
}

function namespacesOf(init: ProcessInfo, host: HostInfo): ContainerNamespace[] {
  const out: ContainerNamespace[] = [];
  for (const type of NAMESPACE_TYPES) {
    const inode = init.namespaces[type];
    if (inode !== undefined) out.push({ type, inode, sharedWithHost: host.hostNamespaces[type] === inode });
  }
  return out;
}

/**
 * A group found by its PID namespace (nspawn --keep-unit, unshare, rootless runc) lives in a cgroup it inherited:
 * that cgroup's figures are the container's only when it (with its subtree) holds nothing but the group.
 */
function holdsOnlyGroup(dir: string, group: ProcessGroup): boolean {
  const pids: number[] = [];
  collectPids(dir, pids);
  const members = new Set(group.members.map((p) => p.hostPid));
  return pids.length > 0 && pids.every((pid) => members.has(pid));
}

function cgroupStatsOf(input: BuildInput, init: ProcessInfo): CgroupStats | null {
  const m = init.cgroups;
  const own = input.group.cgroupPath !== undefined;
  if (input.statsVersion === 2) {
    const path = cgroupPathFor(m) ?? input.group.cgroupPath;
    if (!path || path === '/') return null; // the root cgroup is the whole host, not this container
    if (!own && !holdsOnlyGroup(join(input.layout.unified!, path), input.group)) return null;
    return readV2Stats(input.layout.unified!, path, input.readSpec);
  }
  const pathOf = (ctrl: string) => cgroupPathFor(m, ctrl);
  const ctrl = ['memory', 'pids', 'cpu'].find((c) => pathOf(c) !== undefined && input.layout.v1.has(c));
  const primary = ctrl ? pathOf(ctrl) : undefined;
  if (!ctrl || !primary || primary === '/') return null;
  if (!own && !holdsOnlyGroup(join(input.layout.v1.get(ctrl)!, primary), input.group)) return null;
  return readV1Stats(input.layout, pathOf, input.host.clockTicks, input.readSpec);
}

export function buildContainer(input: BuildInput): Container {
  const { group, parent, claim, host, paths, live } = input;
  const init = (claim?.initPid !== undefined && live.get(claim.initPid)) || group.init;
  const pids = [init.hostPid, ...group.members.map((p) => p.hostPid).filter((p) => p !== init.hostPid).sort((a, b) => a - b)];
  const netDev = readText(join(paths.proc, String(init.hostPid), 'net/dev'));
  const startedAt = host.bootTimeSeconds + init.startTicks / host.clockTicks;
  const shimmed = claim?.parentIsShim && parent && init.ppid === parent.hostPid;
  const pidnsInode = init.namespaces.pid;
  const cgroup = cgroupStatsOf(input, init);
  const claimed = claim?.state ?? 'running';
  return {
    id: claim?.id ?? `ns-${pidnsInode ?? init.hostPid}`,
    name: claim?.name ?? init.comm,
    runtime: claim?.runtime ?? 'sandbox',
    image: claim?.image ?? '',
    state: claimed === 'running' && cgroup?.frozen ? 'paused' : claimed,
    labels: claim?.labels ?? {},
    shim: shimmed ? { pid: parent.hostPid, command: parent.command } : null,
    init: { hostPid: init.hostPid, containerPid: init.containerPid },
    pids,
    namespaces: namespacesOf(init, host),
    cgroup,
    network: netDev !== null ? parseNetDev(netDev) : null,
    startedAt: claim?.startedAt ?? startedAt,
    createdAt: claim?.createdAt ?? null,
    extra: claim?.extra ?? {},
  };
}
