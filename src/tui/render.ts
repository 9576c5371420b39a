// View models -> widget content. Every host string arrives here already escaped for the terminal; here it is
// also escaped for blessed's {tags}, and colour is added around whole cells.
import { HEADER_TEXT_ROWS, type Layout } from './layout.js';
import type { UiState } from './state.js';
import type { ContainerRow } from './view/container-rows.js';
import { CELL_GAP, COLUMNS, fitColumns, headerCells, rowCells, type Column } from './view/columns.js';
import type { DetailView } from './view/detail.js';
import { windowStart } from './view/row-window.js';
import { sparkline } from './view/sparkline.js';
import { formatBytes } from '../text/format.js';
import { escapeTags } from './view/text-cells.js';
import { HELP } from './keys.js';

const STATE_COLOUR: Record<string, string> = { running: 'green', paused: 'yellow', created: 'cyan', exited: 'red', stopped: 'red' };
const PRESSURE_COLOUR = { ok: undefined, warn: 'yellow', high: 'red' } as const;

const colour = (text: string, name: string | undefined) => (name ? `{${name}-fg}${text}{/${name}-fg}` : text);

/** The item strings last given to each list, to touch only the rows a tick changed. */
const lastItems = new WeakMap<object, string[]>();

/**
 * blessed re-parses every item handed to setItems; most ticks change a few cells of a few rows (CPU%, uptime), so
 * only those rows are set. A different row count goes through setItems (items added or removed).
 */
function updateItems(list: Layout['list'], items: string[]): void {
  const before = lastItems.get(list);
  if (before && before.length === items.length) {
    for (let i = 0; i < items.length; i++) if (items[i] !== before[i]) list.setItem(i as never, items[i]);
  } else {
    list.setItems(items as never);
  }
  lastItems.set(list, items);
}

/** The first row each list showed at its last render (view/row-window.ts). */
const firstShown = new WeakMap<object, number>();

/**
 * `colours` false (--no-color, NO_COLOR): the cells as they are, selection and headers in inverse video only. Only
 * the rows on screen are built and given to the list; returns the index of the first.
 */
export function renderTable(
  layout: Layout,
  rows: readonly ContainerRow[],
  state: UiState,
  width: number,
  colours = true,
  columns: Column[] = COLUMNS,
): number {
  const fitted = fitColumns(width, columns);
  layout.tableHeader.setContent(escapeTags(headerCells(fitted, state.sortKey, state.reverse).join(CELL_GAP)));
  const list = layout.list;
  const height = Number(list.height) - Number(list.iheight ?? 0);
  const first = windowStart(firstShown.get(list) ?? 0, state.selectedIndex, height, rows.length);
  firstShown.set(list, first);
  const items = rows.slice(first, first + Math.max(1, height)).map((row) => {
    const cells = rowCells(row, fitted).map(escapeTags);
    fitted.forEach(({ column }, i) => {
      if (!colours) return;
      if (column.header === 'STATE') cells[i] = colour(cells[i], STATE_COLOUR[row.state]);
      if (column.header === 'CPU%' || column.header === 'MEM / LIMIT') cells[i] = colour(cells[i], PRESSURE_COLOUR[row.pressure]);
    });
    return cells.join(CELL_GAP);
  });
  updateItems(list, items);
  if (rows.length) list.select(state.selectedIndex - first);
  return first;
}

/** The header's text; its sparkline rows (the last two) only where no line chart fits. */
export function renderHeader(layout: Layout, lines: string[], charts: boolean): void {
  layout.header.setContent((charts ? lines.slice(0, HEADER_TEXT_ROWS) : lines).map(escapeTags).join('\n'));
}

/** A titled block of plain (escaped) lines added below the detail view's own (the rootfs pane). */
export interface DetailSection {
  title: string;
  lines: string[];
}

export function renderDetail(
  layout: Layout,
  view: DetailView,
  history: { cpu: readonly number[]; mem: readonly number[] },
  width: number,
  charts: boolean,
  sections: readonly DetailSection[] = [],
): void {
  const graph = Math.max(10, width - 20);
  const memTop = view.memLimitBytes ?? Math.max(1, ...history.mem);
  // the charts above show the history; on a terminal too short for them, sparklines do
  const sparklines = charts
    ? []
    : [
        `CPU%  ${sparkline(history.cpu, graph)}  ${(history.cpu.at(-1) ?? 0).toFixed(1)}%`,
        `MEM   ${sparkline(history.mem, graph, memTop)}  ${formatBytes(history.mem.at(-1))}`,
      ];
  const lines = [
    `{bold}${escapeTags(view.title)}{/bold}`,
    ...sparklines,
    '',
    `{inverse}${escapeTags(view.processHeader.padEnd(width))}{/inverse}`,
    ...view.processLines.map(escapeTags),
    '',
    // the cgroup's figures and limits before the namespace inodes: below the charts, the first screen shows them
    '{bold}Cgroup{/bold}',
    ...view.cgroupLines.map(escapeTags),
    '',
    '{bold}Namespaces{/bold}',
    ...view.namespaceLines.map(escapeTags),
    ...sections.flatMap((s) => ['', `{bold}${escapeTags(s.title)}{/bold}`, ...s.lines.map(escapeTags)]),
  ];
  layout.detail.setContent(lines.join('\n'));
}

export function renderHelp(layout: Layout): void {
  const keyWidth = Math.max(...HELP.map(([k]) => k.length)) + 2;
  layout.help.setContent(
    ['', ...HELP.map(([k, what]) => ` ${escapeTags(k.padEnd(keyWidth))}${escapeTags(what)}`), '', ' any key returns'].join('\n'),
  );
}

export function statusLine(state: UiState, shown: number, total: number): string {
  if (state.filterDraft !== undefined) return `filter: ${escapeTags(state.filterDraft)}█  (Enter applies, Escape clears)`;
  if (state.confirm) return `${state.confirm.action} ${escapeTags(state.confirm.name)} (${state.confirm.id.slice(0, 12)})? y/n`;
  const parts = [`${shown}/${total} containers`];
  if (state.filter) parts.push(`filter "${escapeTags(state.filter)}"`);
  if (state.paused) parts.push('PAUSED');
  if (state.message) parts.push(escapeTags(state.message));
  parts.push(state.view === 'detail' ? 'j/k scroll  Esc back  ? help  q quit' : '? help  q quit');
  return ' ' + parts.join('  |  ');
}
