// /proc/<pid>/stat: the comm field is in parentheses and may itself contain ') ' — parse from the last ')'.

export interface ProcStat {
  comm: string;
  state: string;
  ppid: number;
  utime: number;
  stime: number;
  numThreads: number;
  startTicks: number;
  rssPages: number;
}

export function parseStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const f = text.slice(close + 2).split(' ');
  // f[0] is field 3 (state); field N is f[N - 3]
  if (f.length < 22) return null;
  return {
    comm: text.slice(open + 1, close),
    state: f[0],
    ppid: Number(f[1]),
    utime: Number(f[11]),
    stime: Number(f[12]),
    numThreads: Number(f[17]),
    startTicks: Number(f[19]),
    rssPages: Number(f[21]),
  };
}
