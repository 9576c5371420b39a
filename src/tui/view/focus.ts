// The containers the dashboard shows: the table's rows on screen and the selected one (the detail view's). The
// scanner reads the quiet ones among them whole more often than the rest (HostScanner.focus).
import type { ContainerRow } from './container-rows.js';

/** The IDs of rows[first, first + height) and of the selected container. */
export function shownIds(rows: readonly ContainerRow[], first: number, height: number, selectedId: string | undefined): Set<string> {
  const ids = new Set<string>();
  for (const r of rows.slice(first, first + Math.max(1, height))) ids.add(r.id);
  if (selectedId !== undefined) ids.add(selectedId);
  return ids;
}
