// The whole layout in one place: every region of the screen, where it sits and what it shows.
//   rows 0-4   header (host facts, counts, CPU and memory graphs)
//   row  5     table header (columns, sort mark)        | detail and help replace rows 5.. with one box
//   rows 6..   container list
//   last row   status bar (filter being typed, confirmation, messages, key hints)
import blessed from 'blessed';

export const HEADER_ROWS = 5;

export interface Layout {
  header: blessed.Widgets.BoxElement;
  tableHeader: blessed.Widgets.BoxElement;
  list: blessed.Widgets.ListElement;
  detail: blessed.Widgets.BoxElement;
  help: blessed.Widgets.BoxElement;
  status: blessed.Widgets.BoxElement;
}

export function createLayout(screen: blessed.Widgets.Screen): Layout {
  const header = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: HEADER_ROWS, tags: true, wrap: false });
  const tableHeader = blessed.box({ parent: screen, top: HEADER_ROWS, left: 0, width: '100%', height: 1, tags: true, style: { inverse: true } });
  const list = blessed.list({
    parent: screen,
    top: HEADER_ROWS + 1,
    left: 0,
    width: '100%',
    height: `100%-${HEADER_ROWS + 2}`,
    tags: true,
    keys: false,
    mouse: false,
    style: { selected: { inverse: true } },
  });
  const body = { parent: screen, top: HEADER_ROWS, left: 0, width: '100%', height: `100%-${HEADER_ROWS + 1}`, tags: true, hidden: true, scrollable: true, alwaysScroll: true };
  const detail = blessed.box({ ...body });
  const help = blessed.box({ ...body, border: { type: 'line' }, label: ' keys ' });
  const status = blessed.box({ parent: screen, bottom: 0, left: 0, width: '100%', height: 1, tags: true, wrap: false, style: { inverse: true } });
  return { header, tableHeader, list, detail, help, status };
}
