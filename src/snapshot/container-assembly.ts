// One scan's containers, assembled: the processes of the container cgroups and of the PID namespaces outside the
// host's read (process-cache.ts), grouped (discovery/grouping.ts), claimed by a runtime (claim-cache.ts) and built
// into Containers (container-builder.ts); the runtimes' stopped containers beside them.
import { statsVersion, type CgroupHierarchy, type CgroupLayout } from '../host/cgroupfs/layout.js';
import { cgroupPathFor } from '../host/procfs/cgroup.js';
import { withCommandLine } from '../host/procfs/process.js';
import type { HostReader } from '../host/reader.js';
import { containerCgroupOf, readMembers } from '../discovery/cgroup-walk.js';
import { cgroupGroups, namespaceGroups, type ProcessGroup } from '../discovery/grouping.js';
import { ADAPTERS } from '../discovery/adapters/index.js';
import { nameByHint } from '../discovery/names.js';
import type { DiscoveryContext } from '../discovery/types.js';
import type { ClaimCache } from './claim-cache.js';
import type { ContainerCgroups } from './container-cgroups.js';
import type { DescriptorCache } from './descriptor-cache.js';
import type { CgroupSelection } from './scan-options.js';
import { buildContainer, claimGroup } from './container-builder.js';
import { stoppedContainer } from './stopped-container.js';
import type { Container, HostInfo, ProcessInfo } from './model.js';
import type { PidIndex } from './pid-index.js';
import type { ProcessCache } from './process-cache.js';
import type { QuietContainers } from './quiet-containers.js';

/** What the assembly of one scan reads through and adds to. */
export interface Assembly {
  reader: HostReader;
  layout: CgroupLayout;
  hier: CgroupHierarchy | undefined;
  host: HostInfo;
  discovery: DiscoveryContext;
  processes: ProcessCache;
  claims: ClaimCache;
  /** Every process read in this scan, by host PID. */
  live: Map<number, ProcessInfo>;
  containers: Container[];
  /** Counts container processes' descriptors, when the scanner was asked to. */
  descriptors?: DescriptorCache;
  /** The runtimes' stopped containers, once listed. */
  stopped?: Container[];
  /** Which figures to read (ScanOptions.figures). */
  figures: 'all' | 'summary';
  /** Which container cgroups to build (ScanOptions.select); undefined: all. */
  select?: CgroupSelection;
  /** IDs of the running containers left unbuilt by `select` (not stopped ones). */
  unbuilt: string[];
  /** A long-running scanner's quiet containers (quiet-containers.ts): reused, not read again. */
  quiet?: QuietContainers;
}

/** The containers of the container cgroups (those `select` accepts); returns the PIDs they all hold. */
export function addCgroupContainers(a: Assembly, cgroups: ContainerCgroups): Set<number> {
  const { select, discovery } = a;
  const chosen = select ? cgroups.all.filter((cg) => select(cg.hint, (among) => nameByHint(cg, discovery, among))) : cgroups.all;
  for (const cg of chosen) readMembers(a.reader, cg); // a walk for a selection left them unread
  const quiet = a.quiet;
  if (quiet) {
    // a quiet container's processes did not run: their records are as last read
    for (const cg of chosen) {
      if (quiet.isQuiet(cg.path, cgroups.touched.has(cg.path))) for (const pid of cg.pids) a.processes.reuse(pid, a.live);
      else a.processes.readAll(cg.pids, a.live, 'member');
    }
  } else {
    // a summary reads members' stat alone, and the status of those that may be the init (completeRoots); the
    // init's memberships come later
    const pids = chosen === cgroups.all ? cgroups.memberPids() : chosen.flatMap((cg) => cg.pids);
    a.processes.readAll(pids, a.live, a.figures === 'summary' ? 'stat' : 'member');
    if (a.figures === 'summary') for (const cg of chosen) completeRoots(a, cg.pids);
  }
  const { groups, claimed } = cgroupGroups([...chosen], (pid) => a.live.get(pid));
  if (chosen !== cgroups.all) {
    // the others are containers all the same: their processes are no sandbox, and they are not stopped
    const built = new Set(chosen);
    for (const cg of cgroups.all) {
      if (built.has(cg)) continue;
      for (const pid of cg.pids) claimed.add(pid);
      // unread: running as far as this scan knows (its members are read only if the namespace pass runs)
      if (cg.pids.length || cg.unread) a.unbuilt.push(cg.hint.id);
    }
  }
  addContainers(a, groups);
  return claimed;
}

/**
 * Reads the status of a cgroup's roots, read stat alone: chooseInit picks among the members whose parent is outside
 * (all of them when none is), and needs their PID namespace chain. A root that vanished makes its children roots.
 */
function completeRoots(a: Assembly, pids: number[]): void {
  for (let again = true; again; ) {
    again = false;
    const members = pids.filter((pid) => a.live.has(pid));
    const inside = new Set(members);
    const roots = members.filter((pid) => !inside.has(a.live.get(pid)!.ppid));
    for (const pid of roots.length ? roots : members) if (!a.processes.completeStatus(pid, a.live)) again = true;
  }
}

/** Groups of processes in PID namespaces of their own that no container cgroup holds (nspawn, sandboxes). */
export function addNamespaceContainers(a: Assembly, pids: PidIndex, cgroups: ContainerCgroups, claimed: Set<number>): void {
  // claimed PIDs are in `live` already, or belong to containers left unbuilt (ScanOptions.select): not read again;
  // namespaceGroups leaves them out
  const candidates = pids.outsideHost();
  for (const { pid } of candidates) if (!claimed.has(pid)) a.processes.read(pid, a.live);
  // a process in a container cgroup the walk did not see belongs to a container born during this scan: the next
  // scan shows it whole, not as a sandbox now
  const known = new Set(cgroups.all.map((c) => c.path));
  const bornNow = (pid: number) => {
    const p = a.live.get(pid);
    const path = p ? cgroupPathFor(p.cgroups, a.hier?.controller) : undefined;
    const container = path ? containerCgroupOf(path) : undefined;
    return container !== undefined && !known.has(container.path);
  };
  const groups = namespaceGroups(
    candidates.filter((c) => !claimed.has(c.pid) && !bornNow(c.pid)), // the claimed ones' cgroups are known
    (pid) => a.live.get(pid),
    claimed,
  );
  const before = a.containers.length;
  addContainers(a, groups);
  for (const c of a.containers.slice(before)) c.byPidNamespaceOnly = true;
}

function addContainers(a: Assembly, groups: ProcessGroup[]): void {
  for (const g of groups) {
    // a summary reads the shim light too, and its command line (its flags name the container; ps prints it)
    const summary = a.figures === 'summary';
    const still = g.cgroupPath !== undefined ? a.quiet?.figures(g.cgroupPath) : undefined;
    // a quiet container's shim is refreshed with the container's full reads (it moves when the container does: its
    // output, an exec, an exit), as host processes outside containers are refreshed in turn (readAllInTurn)
    const ppid = g.init.ppid;
    const read =
      ppid > 0 ? (still ? a.processes.reuse(ppid, a.live) : a.processes.read(ppid, a.live, summary ? 'light' : 'member')) : undefined;
    const parent = read && summary ? withCommandLine(a.reader, read) : read;
    const claim = a.claims.get(g.key, g.init, () => claimGroup(a.reader, g, parent, a.discovery, ADAPTERS), Date.now(), a.reader);
    // the init a runtime names (buildContainer prefers it) needs its status too, should it not be a root
    if (summary && claim?.initPid !== undefined && a.live.has(claim.initPid)) a.processes.completeStatus(claim.initPid, a.live);
    const signals = a.quiet && g.cgroupPath !== undefined && !still ? [] : undefined;
    const netStill = still ? a.quiet!.netDevStill(still) : false;
    // a quiet container built from the same claim, shim and figures is the one built before: not built again
    // (counting descriptors, the exporter's, sets a field on it: always built anew there)
    const b = still?.built;
    const same = netStill && !a.descriptors && b && b.claim === claim && b.parent === parent ? b.container : undefined;
    const container =
      same ??
      buildContainer({
        reader: a.reader,
        group: g,
        parent,
        claim,
        host: a.host,
        layout: a.layout,
        statsVersion: statsVersion(a.layout),
        live: a.live,
        figures: a.figures,
        reuse: still && { cgroup: still.cgroup, network: still.network, netStill },
        signals,
      });
    if (signals)
      a.quiet!.recordFull(g.cgroupPath!, container.id, signals, {
        cgroup: container.cgroup,
        network: container.network,
        netns: netnsOf(container),
        built: { container, claim, parent },
      });
    else if (still && netStill && !same) still.built = { container, claim, parent };
    const descriptors = a.descriptors?.count(container.pids, a.live);
    if (descriptors) container.descriptors = descriptors;
    a.containers.push(container);
  }
}

/** The inode of a container's network namespace, when known. */
export const netnsOf = (c: Container): number | undefined => c.namespaces.find((n) => n.type === 'net')?.inode;

/** Containers in runtime state that run no process, when asked for (listed once per scan). */
export function stoppedContainers(a: Assembly, includeStopped: boolean | undefined): Container[] {
  if (!includeStopped) return [];
  if (!a.stopped) {
    const running = new Set([...a.containers.map((c) => c.id), ...a.unbuilt]);
    a.stopped = ADAPTERS.flatMap((ad) => ad.listStopped?.(a.discovery, running) ?? []).map(stoppedContainer);
  }
  return a.stopped;
}
