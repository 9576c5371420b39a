// The whole layout in one place: every region of the screen, where it sits and what it shows, for any size.
//   rows 0-2     header text (host facts, counts)
//   table view:  two line charts (host CPU, host memory) below the text, scaled with the terminal's height;
//                then the table header row, the container list, and the status bar on the last row
//   detail view: four line charts (CPU, memory against its limit, network, block IO) in a 2x2 grid, then the
//                container's processes, namespaces and cgroup as text
//   help view:   one box below the header
import blessed from 'blessed';
import type { Place } from './chart-panel.js';

export const HEADER_TEXT_ROWS = 3;
/** Too short for charts: the header keeps its two sparkline rows instead. */
const SPARKLINE_HEADER_ROWS = 5;
const MIN_ROWS_FOR_CHARTS = 20;

export interface Regions {
  /** Whether line charts fit; if not, the header text holds sparklines. */
  charts: boolean;
  headerText: Place;
  hostCharts: [Place, Place];
  tableHeader: Place;
  list: Place;
  detailCharts: [Place, Place, Place, Place];
  detailText: Place;
  body: Place;
  status: Place;
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/** Where everything goes on a `cols` x `rows` terminal: charts grow with the height, the table takes the rest. */
export function regions(cols: number, rows: number): Regions {
  const charts = rows >= MIN_ROWS_FOR_CHARTS;
  // a line chart spends 3 rows on its frame and x labels: below 8 rows it shows almost no line
  const hostChartRows = charts ? clamp(Math.round(rows * 0.25), 8, 16) : 0;
  const textRows = charts ? HEADER_TEXT_ROWS : SPARKLINE_HEADER_ROWS;
  const half = Math.floor(cols / 2);
  const tableTop = textRows + hostChartRows;
  const bodyRows = Math.max(1, rows - textRows - 1);
  // two rows of charts (CPU, memory; network, IO) where the text below keeps room, else CPU and memory alone
  const gridRows = bodyRows >= 50 ? 2 : 1;
  const detailChartRows = charts ? clamp(Math.round(bodyRows * (gridRows === 2 ? 0.25 : 0.3)), 8, 14) : 0;
  const secondRow = gridRows === 2 ? detailChartRows : 0;
  const textTop = textRows + detailChartRows + secondRow;
  return {
    charts,
    headerText: { top: 0, left: 0, width: cols, height: textRows },
    hostCharts: [
      { top: HEADER_TEXT_ROWS, left: 0, width: half, height: hostChartRows },
      { top: HEADER_TEXT_ROWS, left: half, width: cols - half, height: hostChartRows },
    ],
    tableHeader: { top: tableTop, left: 0, width: cols, height: 1 },
    list: { top: tableTop + 1, left: 0, width: cols, height: Math.max(1, rows - tableTop - 2) },
    detailCharts: [
      { top: HEADER_TEXT_ROWS, left: 0, width: half, height: detailChartRows },
      { top: HEADER_TEXT_ROWS, left: half, width: cols - half, height: detailChartRows },
      { top: HEADER_TEXT_ROWS + detailChartRows, left: 0, width: half, height: secondRow },
      { top: HEADER_TEXT_ROWS + detailChartRows, left: half, width: cols - half, height: secondRow },
    ],
    detailText: { top: textTop, left: 0, width: cols, height: Math.max(1, rows - textTop - 1) },
    body: { top: textRows, left: 0, width: cols, height: bodyRows },
    status: { top: rows - 1, left: 0, width: cols, height: 1 },
  };
}

export interface Layout {
  header: blessed.Widgets.BoxElement;
  tableHeader: blessed.Widgets.BoxElement;
  list: blessed.Widgets.ListElement;
  detail: blessed.Widgets.BoxElement;
  help: blessed.Widgets.BoxElement;
  status: blessed.Widgets.BoxElement;
}

export function createLayout(screen: blessed.Widgets.Screen): Layout {
  const header = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: HEADER_TEXT_ROWS, tags: true, wrap: false });
  const tableHeader = blessed.box({
    parent: screen,
    top: HEADER_TEXT_ROWS,
    left: 0,
    width: '100%',
    height: 1,
    tags: true,
    style: { inverse: true },
  });
  // clickable: the app gets the list's clicks and wheel turns itself (blessed's own list mouse handling would move
  // a selection the app does not know about)
  const list = blessed.list({
    parent: screen,
    top: HEADER_TEXT_ROWS + 1,
    left: 0,
    width: '100%',
    height: 1,
    tags: true,
    keys: false,
    mouse: false,
    clickable: true,
    style: { selected: { inverse: true } },
  } as blessed.Widgets.ListOptions<blessed.Widgets.ListElementStyle>);
  const body = {
    parent: screen,
    top: HEADER_TEXT_ROWS,
    left: 0,
    width: '100%',
    height: 1,
    tags: true,
    hidden: true,
    scrollable: true,
    alwaysScroll: true,
    clickable: true,
  };
  const detail = blessed.box({ ...body });
  const help = blessed.box({ ...body, border: { type: 'line' }, label: ' keys ' });
  const status = blessed.box({
    parent: screen,
    bottom: 0,
    left: 0,
    width: '100%',
    height: 1,
    tags: true,
    wrap: false,
    style: { inverse: true },
  });
  return { header, tableHeader, list, detail, help, status };
}

/** Puts an element at its region (blessed re-lays it out on the next render). */
export function place(el: blessed.Widgets.BlessedElement, p: Place): void {
  el.top = p.top;
  el.left = p.left;
  el.width = p.width;
  el.height = p.height;
}
