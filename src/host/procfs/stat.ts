// /proc/<pid>/stat: the comm field is in parentheses and may itself contain ') ' — parse from the last ')'.

export interface ProcStat {
  comm: string;
  state: string;
  ppid: number;
  /** Controlling terminal (field 7: minor in bits 0-7 and 20-31, major in bits 8-15); 0 = none. */
  ttyNr: number;
  utime: number;
  stime: number;
  numThreads: number;
  startTicks: number;
  vsizeBytes: number;
  rssPages: number;
}

/** Index of the last field read (rss); the ~30 fields after it are not needed. */
const LAST_FIELD = 21;

export function parseStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  // f[0] is field 3 (state); field N is f[N - 3]. Walked by hand, not split: this runs for every container
  // process on every refresh, and only 9 of the ~50 fields are wanted.
  const f: string[] = [];
  let pos = close + 2;
  for (let i = 0; i <= LAST_FIELD; i++) {
    const space = text.indexOf(' ', pos);
    if (space < 0 && i < LAST_FIELD) return null;
    const end = space < 0 ? text.length : space;
    f.push(text.slice(pos, end));
    pos = end + 1;
  }
  return {
    comm: text.slice(open + 1, close),
    state: f[0],
    ppid: Number(f[1]),
    ttyNr: Number(f[4]),
    utime: Number(f[11]),
    stime: Number(f[12]),
    numThreads: Number(f[17]),
    startTicks: Number(f[19]),
    vsizeBytes: Number(f[20]),
    rssPages: Number(f[21]),
  };
}
