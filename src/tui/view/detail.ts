// Snapshot -> the detail view of one container: the process tree under its shim, namespaces, cgroup figures.
// Plain text lines (escaped), so the widget layer only places them.
import type { Container, HostSnapshot, ProcessInfo } from '../../snapshot/model.js';
import { processCpuPercent } from '../../snapshot/rates.js';
import { formatBytes, formatPercent } from '../../text/format.js';
import { escapeControls } from '../../text/sanitize.js';
import { fitCell } from './text-cells.js';

export interface DetailView {
  title: string;
  processHeader: string;
  processLines: string[];
  namespaceLines: string[];
  cgroupLines: string[];
  /** Top of the memory graph: the limit when there is one. */
  memLimitBytes: number | undefined;
}

const PROC_COLS = { hostPid: 8, ctPid: 7, user: 9, cpu: 6, rss: 8 };

function processLine(p: ProcessInfo, prefix: string, cur: HostSnapshot, prev: HostSnapshot | undefined, width: number): string {
  const fixed = [
    fitCell(String(p.hostPid), PROC_COLS.hostPid, 'right'),
    fitCell(String(p.containerPid), PROC_COLS.ctPid, 'right'),
    fitCell(p.user, PROC_COLS.user),
    fitCell(formatPercent(prev ? processCpuPercent(prev, cur, p.hostPid) : undefined), PROC_COLS.cpu, 'right'),
    fitCell(formatBytes(p.rssBytes), PROC_COLS.rss, 'right'),
  ].join(' ');
  const rest = Math.max(8, width - fixed.length - 1);
  return `${fixed} ${fitCell(prefix + (p.command || `[${p.comm}]`), rest).trimEnd()}`;
}

/** Depth-first tree of the container's processes by parent PID; roots are those whose parent is outside. */
function treeOrder(pids: number[], procs: Map<number, ProcessInfo>): Array<{ p: ProcessInfo; depth: number }> {
  const inside = pids.map((pid) => procs.get(pid)).filter((p): p is ProcessInfo => p !== undefined);
  const set = new Set(inside.map((p) => p.hostPid));
  const children = new Map<number, ProcessInfo[]>();
  for (const p of inside) {
    const parent = set.has(p.ppid) ? p.ppid : 0;
    const list = children.get(parent) ?? [];
    list.push(p);
    children.set(parent, list);
  }
  const out: Array<{ p: ProcessInfo; depth: number }> = [];
  const seen = new Set<number>();
  const visit = (parent: number, depth: number) => {
    for (const p of (children.get(parent) ?? []).sort((a, b) => a.hostPid - b.hostPid)) {
      if (seen.has(p.hostPid)) continue; // a PID reused mid-scan must not loop
      seen.add(p.hostPid);
      out.push({ p, depth });
      visit(p.hostPid, depth + 1);
    }
  };
  visit(0, 0);
  return out;
}

export function detailView(c: Container, cur: HostSnapshot, prev: HostSnapshot | undefined, width: number): DetailView {
  const processLines: string[] = [];
  let indent = 0;
  if (c.shim) {
    const shim = cur.processes.get(c.shim.pid);
    // the shim is the container's parent on the host, not part of it: marked, and the tree hangs below it
    const shimLine = shim
      ? processLine(shim, '[shim] ', cur, prev, width)
      : `${fitCell(String(c.shim.pid), PROC_COLS.hostPid, 'right')} ${fitCell('[shim] ' + c.shim.command, Math.max(8, width - 9)).trimEnd()}`;
    processLines.push(shimLine);
    indent = 1;
  }
  for (const { p, depth } of treeOrder(c.pids, cur.processes)) {
    const d = depth + indent;
    processLines.push(processLine(p, d > 0 ? '  '.repeat(d - 1) + '└─ ' : '', cur, prev, width));
  }
  if (processLines.length === 0) processLines.push('(no processes)');

  const namespaceLines = c.namespaces.map((n) =>
    [fitCell(n.type, 7), fitCell(String(n.inode), 11, 'right'), n.sharedWithHost ? 'shared with host' : 'own'].join('  '),
  );
  if (namespaceLines.length === 0) namespaceLines.push('(unknown)');

  return {
    title: `${escapeControls(c.name)}  ${c.id.slice(0, 12)}  ${c.runtime}  ${escapeControls(c.image)}  ${escapeControls(c.state)}`,
    processHeader: ['HOST PID'.padStart(8), 'CT PID'.padStart(7), 'USER'.padEnd(9), 'CPU%'.padStart(6), 'RSS'.padStart(8), 'COMMAND'].join(
      ' ',
    ),
    processLines,
    namespaceLines: [[fitCell('TYPE', 7), fitCell('INODE', 11, 'right'), 'HOST?'].join('  '), ...namespaceLines],
    cgroupLines: cgroupLines(c),
    memLimitBytes: c.cgroup?.memory?.limitBytes,
  };
}

function cgroupLines(c: Container): string[] {
  const cg = c.cgroup;
  if (!cg) return ['(no cgroup found)'];
  const lines = [`path     ${escapeControls(cg.path)}  (v${cg.version})`];
  if (cg.cpu) {
    const quota =
      cg.cpu.quotaMicros && cg.cpu.periodMicros ? `${(cg.cpu.quotaMicros / cg.cpu.periodMicros).toFixed(2)} cores` : 'unlimited';
    const throttled = cg.cpu.throttledPeriods !== undefined ? `  throttled ${cg.cpu.throttledPeriods}/${cg.cpu.periods ?? 0} periods` : '';
    lines.push(
      `cpu      ${cg.cpu.usageSeconds.toFixed(2)}s used  limit ${quota}${cg.cpu.cpusetCpus ? `  cpus ${cg.cpu.cpusetCpus}` : ''}${throttled}`,
    );
  }
  if (cg.memory) {
    const m = cg.memory;
    lines.push(
      `memory   ${formatBytes(m.usageBytes)} used  ${formatBytes(m.workingSetBytes)} working set  limit ${m.limitBytes === undefined ? 'unlimited' : formatBytes(m.limitBytes)}${m.oomKills ? `  OOM kills ${m.oomKills}` : ''}`,
    );
  }
  if (cg.pids) lines.push(`pids     ${cg.pids.current}  limit ${cg.pids.limit ?? 'unlimited'}`);
  if (cg.io) lines.push(`io       read ${formatBytes(cg.io.readBytes)}  written ${formatBytes(cg.io.writeBytes)}`);
  return lines;
}
