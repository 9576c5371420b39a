// Gauges in the table: CPU against the quota (CPU/Q) and memory against the limit (MEM/L) as compact text bars,
// one cell each. Text, not blessed-contrib gauges: a contrib widget per row and per tick would cost far more than
// the 3 % the dashboard may spend, and would not scroll with the list. Added where the terminal has room for them
// beside every column asked for, NAME kept whole; never in batch mode.
import { fitColumns, type Column } from './columns.js';
import type { ContainerRow } from './container-rows.js';

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
const TRACK = '░';

/** `fraction` (0..1) of `width` cells as a bar in eighths of a cell; '-' when there is nothing to measure against. */
export function gaugeBar(fraction: number | undefined, width: number): string {
  if (fraction === undefined || !Number.isFinite(fraction)) return '-';
  const eighths = Math.round(Math.min(1, Math.max(0, fraction)) * width * 8);
  const full = Math.floor(eighths / 8);
  const part = EIGHTHS[eighths % 8];
  return '█'.repeat(full) + part + TRACK.repeat(width - full - (part ? 1 : 0));
}

const WIDTH = 5;

export const CPU_GAUGE: Column = {
  header: 'CPU/Q',
  width: WIDTH,
  minWidth: WIDTH,
  align: 'left',
  text: (r: ContainerRow) =>
    gaugeBar(r.cpuQuotaCores && r.cpuPercent !== undefined ? r.cpuPercent / 100 / r.cpuQuotaCores : undefined, WIDTH),
};

export const MEM_GAUGE: Column = {
  header: 'MEM/L',
  width: WIDTH,
  minWidth: WIDTH,
  align: 'left',
  text: (r: ContainerRow) => gaugeBar(r.memLimitBytes && r.memBytes !== undefined ? r.memBytes / r.memLimitBytes : undefined, WIDTH),
};

const nameWidth = (columns: Column[], width: number) => fitColumns(width, columns).find((f) => f.column.header === 'NAME')?.width ?? 0;

/**
 * `columns` with the gauges after CPU% and MEM / LIMIT, where they fit `width` without dropping a column or cutting
 * NAME below its full width (names whole without the gauges stay whole): from about 140 columns at the default set.
 */
export function withGauges(columns: Column[], width: number): Column[] {
  const out = columns.flatMap((c) => (c.header === 'CPU%' ? [c, CPU_GAUGE] : c.header === 'MEM / LIMIT' ? [c, MEM_GAUGE] : [c]));
  const kept = fitColumns(width, out).length === out.length;
  const name = Math.min(columns.find((c) => c.header === 'NAME')?.width ?? 0, nameWidth(columns, width));
  return kept && nameWidth(out, width) >= name ? out : columns;
}
