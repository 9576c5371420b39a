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

function cgroupStatsOf(input: BuildInput, init: ProcessInfo): CgroupStats | null {
  const m = init.cgroups;
  if (input.statsVersion === 2) {
    const path = cgroupPathFor(m) ?? input.group.cgroupPath;
    if (!path || path === '/') return null; // the root cgroup is the whole host, not this container
    return readV2Stats(input.layout.unified!, path, input.readSpec);
  }
  const pathOf = (ctrl: string) => cgroupPathFor(m, ctrl);
  const primary = pathOf('memory') ?? pathOf('pids') ?? pathOf('cpu');
  if (!primary || primary === '/') return null;
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
  return {
    id: claim?.id ?? `ns-${pidnsInode ?? init.hostPid}`,
    name: claim?.name ?? init.comm,
    runtime: claim?.runtime ?? 'sandbox',
    image: claim?.image ?? '',
    state: claim?.state ?? 'running',
    labels: claim?.labels ?? {},
    shim: shimmed ? { pid: parent.hostPid, command: parent.command } : null,
    init: { hostPid: init.hostPid, containerPid: init.containerPid },
    pids,
    namespaces: namespacesOf(init, host),
    cgroup: cgroupStatsOf(input, init),
    network: netDev !== null ? parseNetDev(netDev) : null,
    startedAt: claim?.startedAt ?? startedAt,
    createdAt: claim?.createdAt ?? null,
    extra: claim?.extra ?? {},
  };
}
