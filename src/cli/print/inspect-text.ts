// Printing `tctop inspect`: docker-inspect-like JSON, or a readable report.
// Written with writeOutput (stdout-direct.ts): process.stdout, made on first use, loads a stream class of its own
// (for a pipe, node:net), 3-10 ms of a one-shot inspect.
import type { Container, HostSnapshot } from '../../snapshot/model.js';
import { inspectJson, processRows } from '../../report/container-json.js';
import { formatBytes, renderTable } from '../../text/format.js';
import { cell } from '../../text/sanitize.js';
import type { RootfsReport } from '../../report/rootfs-report.js';
import { rootfsLines } from './rootfs-text.js';
import { writeOutput } from '../stdout-direct.js';

/** One aligned `Label:   value` line of the human inspect output. */
const field = (label: string) => `  ${(label + ':').padEnd(12)}`;
export function printInspect(
  containers: Container[],
  snapshot: HostSnapshot,
  json: boolean,
  rootfs: ReadonlyMap<string, RootfsReport> = new Map(),
): void {
  if (json) {
    writeOutput(
      JSON.stringify(
        containers.map((c) => inspectJson(c, snapshot, rootfs.get(c.id))),
        null,
        2,
      ) + '\n',
    );
    return;
  }
  writeOutput(containers.map((c) => describe(c, snapshot, rootfs.get(c.id))).join('\n'));
}

export function describe(c: Container, snapshot: HostSnapshot, rootfs?: RootfsReport): string {
  const lines: string[] = [];
  lines.push(`${cell(c.name)}  (${c.runtime})`);
  lines.push(`${field('ID')}${c.id}`);
  lines.push(`${field('Image')}${cell(c.image) || '-'}`);
  lines.push(`${field('State')}${cell(c.state)}`);
  lines.push(`${field('Shim')}${c.shim ? `${c.shim.pid}  ${cell(c.shim.command, 200)}` : '-'}`);
  lines.push(`${field('Init')}host PID ${c.init?.hostPid ?? '-'}, container PID ${c.init?.containerPid ?? '-'}`);
  for (const [k, v] of Object.entries(c.labels)) lines.push(`${field('Label')}${cell(k)}=${cell(v, 200)}`);
  const cg = c.cgroup;
  if (cg) {
    lines.push(`${field('Cgroup')}v${cg.version} ${cell(cg.path)}`);
    if (cg.memory)
      lines.push(
        `${field('Memory')}${formatBytes(cg.memory.usageBytes)} used, ${formatBytes(cg.memory.workingSetBytes)} working set, limit ${cg.memory.limitBytes !== undefined ? formatBytes(cg.memory.limitBytes) : 'none'}, OOM kills ${cg.memory.oomKills ?? 0}`,
      );
    if (cg.cpu)
      lines.push(
        `${field('CPU')}${cg.cpu.usageSeconds.toFixed(2)}s used, quota ${cg.cpu.quotaMicros !== undefined ? `${(cg.cpu.quotaMicros / (cg.cpu.periodMicros ?? 100000)).toFixed(2)} CPUs` : 'none'}, throttled ${cg.cpu.throttledPeriods ?? 0} periods`,
      );
    if (cg.pids) lines.push(`${field('PIDs')}${cg.pids.current} / ${cg.pids.limit ?? 'max'}`);
  }
  // runtime-specific facts (tctop's and docker's own containers); a running container has no exit yet
  const extraLabels: Array<[string, string]> = c.init
    ? [['bundle', 'Bundle']]
    : [
        ['exitCode', 'Exit code'],
        ['oomKilled', 'OOM killed'],
        ['finishedAt', 'Finished'],
        ['bundle', 'Bundle'],
      ];
  for (const [key, label] of extraLabels) {
    const v = c.extra[key];
    if (v === undefined || v === null) continue;
    const text = key === 'finishedAt' && typeof v === 'number' ? new Date(v * 1000).toISOString() : String(v);
    lines.push(`${field(label)}${cell(text)}`);
  }
  lines.push(...rootfsLines(rootfs, field));
  lines.push('  Processes:');
  const procs = processRows(c, snapshot).map((p) => [
    String(p.hostPid),
    String(p.containerPid),
    String(p.ppid),
    cell(p.user, 16),
    cell(p.command, 120),
  ]);
  lines.push(indent(renderTable(['HOST PID', 'CONTAINER PID', 'PPID', 'USER', 'COMMAND'], procs)));
  lines.push('  Namespaces:');
  lines.push(
    indent(
      renderTable(
        ['TYPE', 'INODE', 'SHARED WITH HOST'],
        c.namespaces.map((n) => [n.type, String(n.inode), n.sharedWithHost ? 'yes' : 'no']),
      ),
    ),
  );
  return lines.join('\n') + '\n';
}

function indent(block: string): string {
  return block
    .trimEnd()
    .split('\n')
    .map((l) => '    ' + l)
    .join('\n');
}
