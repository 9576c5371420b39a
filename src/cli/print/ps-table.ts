// Printing `tctop ps`: a table for people, a JSON array for scripts; written with writeOutput (stdout-direct.ts),
// not through process.stdout, whose stream class (for a pipe, node:net) costs a one-shot command 3-10 ms to load.
import type { Container, HostSnapshot } from '../../snapshot/model.js';
import { lifetimeCpuPercent, psJson } from '../../report/container-json.js';
import { formatBytes, formatDuration, renderTable, shortId } from '../../text/format.js';
import { cell } from '../../text/sanitize.js';
import { portsCell } from '../../report/ports-cell.js';
import { writeOutput } from '../stdout-direct.js';

export function printPs(rows: Container[], snapshot: HostSnapshot, opts: { json: boolean; noTrunc: boolean }): void {
  const now = snapshot.takenAt / 1000;
  if (opts.json) {
    writeOutput(
      JSON.stringify(
        rows.map((c) => psJson(c, now)),
        null,
        2,
      ) + '\n',
    );
    return;
  }
  const w = (s: string, max: number) => cell(s, opts.noTrunc ? 4096 : max);
  const table = rows.map((c) => {
    const cpu = lifetimeCpuPercent(c, now);
    const mem = c.cgroup?.memory;
    return [
      opts.noTrunc ? c.id : w(shortId(c.id), 20),
      w(c.name, 32),
      c.runtime,
      w(c.image, 32),
      w(c.state, 12),
      c.init ? String(c.init.hostPid) : '-',
      String(c.pids.length),
      cpu === null ? '-' : `${cpu.toFixed(1)}%`,
      mem ? `${formatBytes(mem.usageBytes)}${mem.limitBytes !== undefined ? ' / ' + formatBytes(mem.limitBytes) : ''}` : '-',
      c.init && c.startedAt ? formatDuration(now - c.startedAt) : '-',
      w(portsCell(c), 80),
    ];
  });
  writeOutput(renderTable(['ID', 'NAME', 'RUNTIME', 'IMAGE', 'STATE', 'INIT PID', 'PROCS', 'CPU%', 'MEM', 'UPTIME', 'PORTS'], table));
}
