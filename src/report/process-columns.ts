// ps(1)-style columns for `tctop top <ref> [ps options]`: docker top's table, from the snapshot's process records.
import { UsageError } from '../errors.js';
import type { HostSnapshot, ProcessInfo } from '../snapshot/model.js';

interface Column {
  header: string;
  value: (p: ProcessInfo, s: HostSnapshot) => string;
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function startEpoch(p: ProcessInfo, s: HostSnapshot): number {
  return s.host.bootTimeSeconds + p.startTicks / s.host.clockTicks;
}

function elapsed(p: ProcessInfo, s: HostSnapshot): number {
  return Math.max(0, s.takenAt / 1000 - startEpoch(p, s));
}

/** [DD-]HH:MM:SS, as ps' TIME. */
export function cpuTime(seconds: number): string {
  const t = Math.floor(seconds);
  const d = Math.floor(t / 86400);
  const hms = `${pad2(Math.floor((t % 86400) / 3600))}:${pad2(Math.floor((t % 3600) / 60))}:${pad2(t % 60)}`;
  return d > 0 ? `${d}-${hms}` : hms;
}

/** [[DD-]hh:]mm:ss, as ps' ELAPSED. */
export function elapsedTime(seconds: number): string {
  const t = Math.floor(seconds);
  const d = Math.floor(t / 86400);
  const h = Math.floor((t % 86400) / 3600);
  const ms = `${pad2(Math.floor((t % 3600) / 60))}:${pad2(t % 60)}`;
  if (d > 0) return `${d}-${pad2(h)}:${ms}`;
  return h > 0 ? `${pad2(h)}:${ms}` : ms;
}

/** ps' STIME: the time today, the month and day this year, else the year. */
export function startTime(epochSeconds: number, nowSeconds: number): string {
  const t = new Date(epochSeconds * 1000);
  const now = new Date(nowSeconds * 1000);
  if (nowSeconds - epochSeconds < 86400 && t.getDate() === now.getDate()) return `${pad2(t.getHours())}:${pad2(t.getMinutes())}`;
  if (t.getFullYear() === now.getFullYear()) return `${MONTHS[t.getMonth()]}${pad2(t.getDate())}`;
  return String(t.getFullYear());
}

/** The device name of a stat tty_nr, as ps prints it ("pts/0", "tty1", "?" for none). */
export function ttyName(ttyNr: number | undefined): string {
  if (!ttyNr) return '?';
  const major = (ttyNr >> 8) & 0xfff;
  const minor = (ttyNr & 0xff) | ((ttyNr >> 12) & 0xfff00);
  if (major >= 136 && major <= 143) return `pts/${(major - 136) * 256 + minor}`;
  if (major === 4) return minor < 64 ? `tty${minor}` : `ttyS${minor - 64}`;
  if (major === 5 && minor === 1) return 'console';
  return '?';
}

const cpuSeconds = (p: ProcessInfo, s: HostSnapshot) => p.cpuTicks / s.host.clockTicks;
const lifetimeCpu = (p: ProcessInfo, s: HostSnapshot) => {
  const e = elapsed(p, s);
  return e > 0 ? (100 * cpuSeconds(p, s)) / e : 0;
};

const HOST_PID: Column = { header: 'HOST PID', value: (p) => String(p.hostPid) };
const CONTAINER_PID: Column = { header: 'CONTAINER PID', value: (p) => String(p.containerPid) };

/** ps keywords tctop can answer from its records; `pid` is always shown as the host PID beside the container PID. */
const KEYWORDS: Record<string, Column[]> = {
  pid: [HOST_PID, CONTAINER_PID],
  ppid: [{ header: 'PPID', value: (p) => String(p.ppid) }],
  uid: [{ header: 'UID', value: (p) => String(p.uid) }],
  user: [{ header: 'USER', value: (p) => p.user }],
  c: [{ header: 'C', value: (p, s) => String(Math.floor(lifetimeCpu(p, s))) }],
  pcpu: [{ header: '%CPU', value: (p, s) => lifetimeCpu(p, s).toFixed(1) }],
  pmem: [{ header: '%MEM', value: (p, s) => (s.host.memoryBytes > 0 ? ((100 * p.rssBytes) / s.host.memoryBytes).toFixed(1) : '0.0') }],
  stime: [{ header: 'STIME', value: (p, s) => startTime(startEpoch(p, s), s.takenAt / 1000) }],
  tty: [{ header: 'TTY', value: (p) => ttyName(p.ttyNr) }],
  time: [{ header: 'TIME', value: (p, s) => cpuTime(cpuSeconds(p, s)) }],
  etime: [{ header: 'ELAPSED', value: (p, s) => elapsedTime(elapsed(p, s)) }],
  rss: [{ header: 'RSS', value: (p) => String(Math.round(p.rssBytes / 1024)) }],
  vsz: [{ header: 'VSZ', value: (p) => String(Math.round((p.vsizeBytes ?? 0) / 1024)) }],
  stat: [{ header: 'STAT', value: (p) => p.state }],
  nlwp: [{ header: 'NLWP', value: (p) => String(p.threads) }],
  comm: [{ header: 'COMMAND', value: (p) => p.comm }],
  args: [{ header: 'CMD', value: (p) => p.command }],
};
const ALIASES: Record<string, string> = {
  '%cpu': 'pcpu',
  '%mem': 'pmem',
  start: 'stime',
  start_time: 'stime',
  tname: 'tty',
  tt: 'tty',
  cputime: 'time',
  rssize: 'rss',
  rsz: 'rss',
  vsize: 'vsz',
  s: 'stat',
  state: 'stat',
  thcount: 'nlwp',
  ucomm: 'comm',
  ucmd: 'comm',
  cmd: 'args',
  command: 'args',
  euid: 'uid',
  euser: 'user',
  uname: 'user',
  elapsed: 'etime',
};

/** ps -ef's columns (docker top's default; its UID column shows names), with the container PID beside the host PID. */
const FULL = ['user=UID', 'pid', 'ppid', 'c', 'stime', 'tty', 'time', 'args'];
/** ps aux's columns. */
const BSD_USER = ['user', 'pid', 'pcpu', 'pmem', 'vsz', 'rss', 'tty', 'stat', 'stime', 'time', 'args'];

function keyword(k: string): Column[] {
  const name = ALIASES[k.toLowerCase()] ?? k.toLowerCase();
  const cols = KEYWORDS[name];
  if (!cols) throw new UsageError(`unknown ps column "${k}" (one of ${Object.keys(KEYWORDS).join(', ')})`);
  return cols;
}

/**
 * The columns for docker top's ps options: none or `-ef`/`-f` (the default), `aux`, and `-o`/`o`/`-eo`
 * lists (comma or space separated, `key=HEADER` renames). Selection options (`-e`, `-A`, `a`, `x`) change nothing:
 * the container's processes are the selection.
 */
export function columnsFor(args: string[]): Column[] {
  let cols: Column[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const o = /^-?[eAax]*o(.*)$/.exec(a);
    if (o) {
      const list = o[1] !== '' ? o[1] : args[++i];
      if (list === undefined || list === '') throw new UsageError(`${a} needs a column list`);
      cols = [
        ...(cols ?? []),
        ...list
          .split(/[\s,]+/)
          .filter(Boolean)
          .flatMap(renamed),
      ];
    } else if (/^(-?aux|aux)$/.test(a) || a === 'u' || a === '-u') cols = BSD_USER.flatMap(keyword);
    else if (/^-[eAfF]+$/.test(a) || /^[ax]+$/.test(a)) cols ??= FULL.flatMap(renamed);
    else throw new UsageError(`unsupported ps option "${a}" (use -ef, aux, or -o <columns>)`);
  }
  return cols ?? FULL.flatMap(renamed);
}

function renamed(spec: string): Column[] {
  const eq = spec.indexOf('=');
  if (eq < 0) return keyword(spec);
  const cols = keyword(spec.slice(0, eq));
  return cols.length === 1 ? [{ ...cols[0], header: spec.slice(eq + 1) }] : cols;
}

/** docker's top API body: the column titles and one row of strings per process. */
export function processTable(pids: number[], snapshot: HostSnapshot, cols: Column[]): { Titles: string[]; Processes: string[][] } {
  const rows = pids.flatMap((pid) => {
    const p = snapshot.processes.get(pid);
    return p ? [cols.map((c) => c.value(p, snapshot))] : [];
  });
  return { Titles: cols.map((c) => c.header), Processes: rows };
}
