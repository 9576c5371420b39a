// Snapshot (read with every host process) -> the host tree view's lines: the process tree as pstree draws it, the
// runtime daemons and shims marked, each container's processes framed under a header naming it, with host and
// container PIDs side by side. Pure: the fold state comes in, plain escaped lines go out.
import type { Container, HostSnapshot, ProcessInfo } from '../../snapshot/model.js';
import { SHIM_COMM } from '../../engine-contract/state-dir.js';
import { fitCell } from './text-cells.js';

export interface TreeLine {
  text: string;
  /** The container this line frames or belongs to: Enter on it folds or unfolds that container. */
  containerId?: string;
  /** The container frame's header (the line kept when it is folded). */
  header?: boolean;
}

/** What a host process is to the container world, by its name: the daemons and the shims of each runtime. */
export function daemonRole(p: ProcessInfo): string | undefined {
  const comm = p.comm;
  if (comm === 'dockerd') return 'docker daemon';
  if (comm === 'containerd') return 'containerd daemon';
  if (comm.startsWith('containerd-shim')) return 'containerd shim';
  if (comm === 'conmon') return 'conmon (podman/CRI-O shim)';
  if (comm === 'crio') return 'CRI-O daemon';
  if (comm === 'podman') return 'podman';
  if (comm === 'systemd-nspawn') return 'nspawn';
  if (comm === SHIM_COMM) return "tctop's shim";
  if (p.command.startsWith('[lxc monitor]') || comm === 'lxc-start') return 'lxc monitor';
  if (comm === 'runc' || comm === 'crun') return 'OCI runtime';
  return undefined;
}

/**
 * The tree's lines are built again from a new snapshot only once this many times the last build's time has passed:
 * at 20,000 processes a build takes ~100-200 ms, so the view costs at most a tenth of a core on a big host and
 * follows every refresh on a small one. Opening, folding, a resize and the first complete scan build at once.
 */
export const TREE_BUILD_COST_RATIO = 10;

export function treeBuildDue(sinceLastMs: number, lastBuildMs: number): boolean {
  return sinceLastMs >= lastBuildMs * TREE_BUILD_COST_RATIO;
}

export const TREE_HEADER = `${'HOST PID'.padStart(8)} ${'CT PID'.padStart(7)}  PROCESS TREE`;

const KTHREADD = 2;

function pidCells(p: ProcessInfo, inContainer: boolean): string {
  return `${fitCell(String(p.hostPid), 8, 'right')} ${fitCell(inContainer ? String(p.containerPid) : '-', 7, 'right')}  `;
}

const blank = `${' '.repeat(8)} ${' '.repeat(7)}  `;

function label(p: ProcessInfo): string {
  return p.command || `[${p.comm}]`;
}

/**
 * Lines of the whole host tree. `folded`: container IDs shown as their header alone. Kernel threads (kthreadd's
 * children) are one line, as pstree leaves them out.
 */
export function hostTreeLines(snap: HostSnapshot, folded: ReadonlySet<string>, width: number): TreeLine[] {
  const procs = snap.processes;
  const byInit = new Map<number, Container>();
  const shimOf = new Map<number, Container[]>();
  const member = new Set<number>();
  for (const c of snap.containers) {
    if (c.init) byInit.set(c.init.hostPid, c);
    if (c.shim) shimOf.set(c.shim.pid, [...(shimOf.get(c.shim.pid) ?? []), c]);
    for (const pid of c.pids) member.add(pid);
  }
  const children = new Map<number, ProcessInfo[]>();
  const roots: ProcessInfo[] = [];
  let kernelThreads = 0;
  for (const p of procs.values()) {
    if (p.ppid === KTHREADD && p.command === '') {
      kernelThreads++;
      continue;
    }
    if (p.hostPid === KTHREADD) continue;
    if (p.ppid > 0 && procs.has(p.ppid) && p.ppid !== p.hostPid) {
      const list = children.get(p.ppid);
      if (list) list.push(p);
      else children.set(p.ppid, [p]);
    } else roots.push(p);
  }
  const out: TreeLine[] = [];
  const seen = new Set<number>();
  const cols = Math.max(20, width - blank.length);
  const line = (text: string, extra: Omit<TreeLine, 'text'> = {}) => out.push({ text: text.trimEnd(), ...extra });

  // `lead`: the marks of the ancestors; a container's frame restarts the tree at its init, behind a ┃ gutter
  const visit = (p: ProcessInfo, lead: string, last: boolean, top: boolean, frame: Container | undefined) => {
    if (seen.has(p.hostPid)) return; // a PID reused mid-scan must not loop
    seen.add(p.hostPid);
    const branch = top ? '' : last ? '└─ ' : '├─ ';
    const below = top ? '' : last ? '   ' : '│  ';
    const starts = frame === undefined ? byInit.get(p.hostPid) : undefined;
    if (starts) {
      const count = starts.pids.length;
      const isFolded = folded.has(starts.id);
      const head = `${isFolded ? '▶' : '┏━'} ${starts.runtime} ${starts.name} ${starts.id.slice(0, 12)}  ${count} process${count === 1 ? '' : 'es'}${isFolded ? ' (folded, Enter opens)' : ''}`;
      line(blank + fitCell(lead + branch + head, cols), { containerId: starts.id, header: true });
      if (isFolded) return markSeen(p);
      seen.delete(p.hostPid);
      visit(p, `${lead}${below}┃ `, true, true, starts);
      line(blank + fitCell(`${lead}${below}┗━`, cols), { containerId: starts.id });
      return;
    }
    const shims = shimOf.get(p.hostPid);
    const role = daemonRole(p);
    const mark = shims
      ? `[shim of ${shims.map((c) => c.name).join(', ')}]`
      : role
        ? `[${role}]`
        : frame && frame.init?.hostPid === p.hostPid
          ? '[init]'
          : '';
    // the mark before the command: a long command line is cut at the screen's edge, the mark must stay
    const text = `${lead}${branch}${mark ? `${mark} ` : ''}${label(p)}`;
    line(pidCells(p, frame !== undefined && member.has(p.hostPid)) + fitCell(text, cols), frame ? { containerId: frame.id } : {});
    const kids = (children.get(p.hostPid) ?? []).sort((a, b) => a.hostPid - b.hostPid);
    kids.forEach((k, i) => visit(k, lead + below, i === kids.length - 1, false, frame));
  };
  // a folded container's processes are not drawn, nor met again as roots
  const markSeen = (p: ProcessInfo): void => {
    for (const k of children.get(p.hostPid) ?? []) {
      if (seen.has(k.hostPid)) continue;
      seen.add(k.hostPid);
      markSeen(k);
    }
  };
  roots.sort((a, b) => a.hostPid - b.hostPid).forEach((r, i) => visit(r, '', i === roots.length - 1, true, undefined));
  if (kernelThreads) line(`${blank}[kthreadd]  ${kernelThreads} kernel threads`);
  return out;
}
