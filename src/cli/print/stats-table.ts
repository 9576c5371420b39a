// Printing `tctop stats`: docker's table, or one JSON object a line (docker's `--format json`).
import type { StatsRow } from '../../report/stats.js';
import { renderTable } from '../../text/format.js';
import { cell } from '../../text/sanitize.js';

export type StatsFormat = 'table' | 'json';

export function statsText(rows: StatsRow[], format: StatsFormat, noTrunc: boolean): string {
  if (format === 'json') return rows.map((r) => JSON.stringify(r) + '\n').join('');
  const w = (s: string) => cell(s, noTrunc ? 4096 : 32);
  const table = rows.map((r) => [w(r.Container), w(r.Name), r.Runtime, r.CPUPerc, r.MemUsage, r.MemPerc, r.NetIO, r.BlockIO, r.PIDs]);
  return renderTable(['CONTAINER ID', 'NAME', 'RUNTIME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS'], table);
}
