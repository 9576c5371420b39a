// Which rows of the container table are on screen: the list widget is given those alone (at 1,000 containers,
// building, tag-parsing and laying out every row each tick was most of the dashboard's own time), and the window
// moves as blessed's own list scrolls: only as far as keeps the selected row in view.

/** The first row shown: the previous one where the selection is still in view, else the nearest that shows it. */
export function windowStart(previous: number, selected: number, height: number, rows: number): number {
  const h = Math.max(1, height);
  let start = previous;
  if (selected < start) start = selected;
  else if (selected >= start + h) start = selected - h + 1;
  return Math.max(0, Math.min(start, rows - h));
}
