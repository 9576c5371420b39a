// Batch mode (as `top -b`): the container table as plain text, one block per iteration, for scripts and pipes.
import { Sampler } from '../sampler/sampler.js';
import type { HostSnapshot } from '../snapshot/model.js';
import { hostRates } from '../snapshot/rates.js';
import { HostScanner } from '../snapshot/scanner.js';
import { formatPercent } from '../text/format.js';
import { escapeControls } from '../text/sanitize.js';
import { COLUMNS } from './view/columns.js';
import { containerRows, sortRows } from './view/container-rows.js';
import { runtimeSummary } from './view/header.js';
import { displayWidth, fitCell } from './view/text-cells.js';

export interface BatchOptions {
  root: string;
  intervalMs: number;
  /** Iterations; Infinity runs until interrupted. */
  count: number;
  write?: (text: string) => void;
}

/** One iteration's text: a summary line, then the table (no truncation of what scripts want to match on). */
export function batchBlock(cur: HostSnapshot, prev: HostSnapshot | undefined): string {
  const host = hostRates(prev, cur);
  const time = new Date(cur.takenAt).toISOString();
  const summary = `tctop - ${time}  host ${escapeControls(cur.host.hostname)}  cpu ${prev ? formatPercent(host.cpuPercent) : '-'}  mem ${formatPercent(host.memUsedPercent)}  containers ${cur.containers.length} (${runtimeSummary(cur)})  processes ${cur.hostProcessCount}`;
  const rows = sortRows(containerRows(cur, prev), 'cpu', false);
  const widths = COLUMNS.map((col) => Math.max(col.header.length, ...rows.map((r) => displayWidth(escapeControls(col.text(r))))));
  const line = (cells: string[]) => cells.join('  ').trimEnd();
  const head = line(COLUMNS.map((c, i) => fitCell(c.header, widths[i], c.align)));
  const body = rows.map((r) => line(COLUMNS.map((c, i) => fitCell(c.text(r), widths[i], c.align))));
  return [summary, '', head, ...body, ''].join('\n') + '\n';
}

export async function runBatch(options: BatchOptions): Promise<void> {
  const write = options.write ?? ((t: string) => void process.stdout.write(t));
  const sampler = new Sampler(new HostScanner({ root: options.root, fullPassAside: true }), options.intervalMs);
  for (let i = 0; i < options.count; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, options.intervalMs));
    const cur = sampler.tick();
    write(batchBlock(cur, sampler.before));
  }
}
