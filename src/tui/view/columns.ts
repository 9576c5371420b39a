// The container table's columns: header, how each cell is formatted, and which columns give way on a narrow
// terminal (dropped in `dropOrder`, then NAME and IMAGE shrink), so 80 columns still shows what matters.
import { formatBytes, formatDuration, formatPercent, shortId } from '../../text/format.js';
import type { ContainerRow, SortKey } from './container-rows.js';
import { fitCell } from './text-cells.js';
import { isGroupId } from './groups.js';

export interface Column {
  header: string;
  /** The sort this column shows (its header marked ▲/▼); none for the gauges, which show CPU%'s and MEM's again. */
  sortKey?: SortKey;
  width: number;
  minWidth: number;
  align: 'left' | 'right';
  /** Lower drops first when the terminal is too narrow; undefined never drops. */
  dropOrder?: number;
  text(r: ContainerRow): string;
}

const rate = (v: number | undefined) => (v === undefined ? '-' : `${formatBytes(Math.round(v))}/s`);

export const COLUMNS: Column[] = [
  { header: 'NAME', sortKey: 'name', width: 20, minWidth: 10, align: 'left', text: (r) => r.name },
  {
    header: 'ID',
    sortKey: 'id',
    width: 12,
    minWidth: 12,
    align: 'left',
    dropOrder: 6,
    text: (r) => (isGroupId(r.id) ? '' : shortId(r.id)),
  },
  { header: 'RUNTIME', sortKey: 'runtime', width: 10, minWidth: 7, align: 'left', dropOrder: 5, text: (r) => r.runtime },
  { header: 'IMAGE', sortKey: 'image', width: 22, minWidth: 8, align: 'left', dropOrder: 4, text: (r) => r.image },
  { header: 'STATE', sortKey: 'state', width: 8, minWidth: 7, align: 'left', text: (r) => r.state },
  { header: 'CPU%', sortKey: 'cpu', width: 6, minWidth: 6, align: 'right', text: (r) => formatPercent(r.cpuPercent) },
  {
    header: 'MEM / LIMIT',
    sortKey: 'mem',
    width: 15,
    minWidth: 15,
    align: 'right',
    text: (r) =>
      r.memBytes === undefined ? '-' : `${formatBytes(r.memBytes)} / ${r.memLimitBytes === undefined ? '-' : formatBytes(r.memLimitBytes)}`,
  },
  { header: 'PIDS', sortKey: 'pids', width: 5, minWidth: 4, align: 'right', text: (r) => String(r.pids) },
  {
    header: 'NET rx/tx',
    sortKey: 'net',
    width: 17,
    minWidth: 15,
    align: 'right',
    dropOrder: 2,
    text: (r) => `${rate(r.netRxPerSec)} ${rate(r.netTxPerSec)}`,
  },
  { header: 'IO', sortKey: 'io', width: 9, minWidth: 8, align: 'right', dropOrder: 1, text: (r) => rate(r.ioPerSec) },
  {
    header: 'UPTIME',
    sortKey: 'uptime',
    width: 6,
    minWidth: 6,
    align: 'right',
    dropOrder: 3,
    text: (r) => formatDuration(r.uptimeSeconds),
  },
];

const GAP = 1;

const total = (cols: Column[], widths: number[]) => widths.reduce((a, b) => a + b, 0) + GAP * Math.max(0, cols.length - 1);

/** The columns that fit `width` terminal columns, each with its width. */
export function fitColumns(width: number, columns: Column[] = COLUMNS): Array<{ column: Column; width: number }> {
  let cols = [...columns];
  const dropping = columns.filter((c) => c.dropOrder !== undefined).sort((a, b) => a.dropOrder! - b.dropOrder!);
  const minTotal = (cs: Column[]) =>
    total(
      cs,
      cs.map((c) => c.minWidth),
    );
  while (minTotal(cols) > width && dropping.length) {
    const victim = dropping.shift()!;
    cols = cols.filter((c) => c !== victim);
  }
  const widths = cols.map((c) => c.width);
  // shrink towards the minimum in this order: the image matters least, the name most
  for (const header of ['IMAGE', 'RUNTIME', 'NET rx/tx', 'IO', 'NAME', 'PIDS']) {
    const i = cols.findIndex((c) => c.header === header);
    if (i < 0) continue;
    while (total(cols, widths) > width && widths[i] > cols[i].minWidth) widths[i]--;
  }
  // give spare room to NAME and IMAGE
  let spare = width - total(cols, widths);
  const growers = cols.map((c, i) => (c.header === 'NAME' || c.header === 'IMAGE' ? i : -1)).filter((i) => i >= 0);
  for (let k = 0; spare > 0 && growers.length && k < 200; k++, spare--) widths[growers[k % growers.length]]++;
  return cols.map((column, i) => ({ column, width: widths[i] }));
}

/** One plain-text line of cells (escaped and fitted); the caller adds colour. */
export function rowCells(row: ContainerRow, fitted: Array<{ column: Column; width: number }>): string[] {
  return fitted.map(({ column, width }) => fitCell(column.text(row), width, column.align));
}

export function headerCells(fitted: Array<{ column: Column; width: number }>, sortKey: SortKey, reverse: boolean): string[] {
  return fitted.map(({ column, width }) => {
    const mark = column.sortKey === sortKey ? (reverse ? '▲' : '▼') : '';
    return fitCell(column.header + mark, width, column.align);
  });
}

export const CELL_GAP = ' '.repeat(GAP);
