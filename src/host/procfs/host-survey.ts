// A long-running scanner's full pass, made between its scans by native/build/tctop-pidns --every (on the other
// core, while the process is idle or rendering): which processes the host has now, the PID namespace of those the
// scanner did not know, which of those it knew are gone, and the cgroup hierarchy's directories. The readdir of
// /proc alone is ~36 ms of a scan at 20,000 processes; here it is none. The scanner decides what the directories
// are (src/snapshot/aside-survey.ts); this module only starts the helper and reads what it says.
import type { ChildProcess } from 'node:child_process';
import { lazyBuiltin } from '../../lazy-builtin.js';
import { decimalAt, linkInode, pidnsHelperPath } from './pidns-aside.js';

const childProcess = lazyBuiltin<typeof import('node:child_process')>('node:child_process');

export interface HostSurvey {
  /** Processes listed in /proc. */
  processCount: number;
  /** Listed PIDs the scanner did not know, with their PID namespace (undefined: the host's, or unreadable). */
  fresh: Map<number, number | undefined>;
  /** Known PIDs that were not listed: gone. */
  gone: number[];
  /** The hierarchy's directories, relative to it ("/a/b"), parents first; undefined when none was asked for. */
  cgroupDirs?: string[];
}

/** What to survey: /proc, the host's PID namespace, the PIDs already known, and the cgroup hierarchy to list. */
export interface HostSurveyRequest {
  procDir: string;
  hostPidns: number | undefined;
  known: Uint32Array;
  cgroups?: { dir: string; maxDepth: number };
}

/** Reads the helper's sections ("<n>\0" then n records each); null when the output is cut short or malformed. */
export function parseHostSurvey(out: Buffer, withCgroups: boolean): HostSurvey | null {
  let at = 0;
  const field = (): [number, number] | null => {
    const end = out.indexOf(0, at);
    if (end < 0) return null;
    const range: [number, number] = [at, end];
    at = end + 1;
    return range;
  };
  const count = (): number => {
    const f = field();
    return f ? decimalAt(out, f[0], f[1]) : -1;
  };
  const processCount = count();
  if (processCount < 0) return null;
  const fresh = new Map<number, number | undefined>();
  for (let n = count(); n !== 0; n--) {
    const pid = field();
    const link = field();
    if (n < 0 || !pid || !link) return null;
    const p = decimalAt(out, pid[0], pid[1]);
    if (p <= 0) return null;
    fresh.set(p, linkInode(out, link[0], link[1]));
  }
  const gone: number[] = [];
  for (let n = count(); n !== 0; n--) {
    const pid = n < 0 ? -1 : count();
    if (pid <= 0) return null;
    gone.push(pid);
  }
  if (!withCgroups) return at === out.length ? { processCount, fresh, gone } : null;
  const cgroupDirs: string[] = [];
  for (let n = count(); n !== 0; n--) {
    const dir = n < 0 ? null : field();
    if (!dir) return null;
    cgroupDirs.push(out.toString('utf8', dir[0], dir[1]));
  }
  return at === out.length ? { processCount, fresh, gone, cgroupDirs } : null;
}

export interface StartedHostSurvey {
  /** The survey; null when the helper failed or said nothing usable. */
  survey: Promise<HostSurvey | null>;
  /** Absent when the helper could not even be started. */
  child?: ChildProcess;
  /** Resolves true when the helper is not there (or not executable): no use starting it again. */
  missing: Promise<boolean>;
}

/** Starts the helper (it runs for tens of milliseconds: not worth unref'ing, which would make it hard to await). */
export function startHostSurvey(req: HostSurveyRequest, helper = pidnsHelperPath()): StartedHostSurvey {
  const args = ['--every', req.procDir, req.hostPidns === undefined ? '-' : String(req.hostPidns)];
  if (req.cgroups) args.push(req.cgroups.dir, String(req.cgroups.maxDepth));
  let child: ChildProcess;
  try {
    child = childProcess().spawn(helper, args, { stdio: ['pipe', 'pipe', 'ignore'] });
  } catch {
    return { survey: Promise.resolve(null), missing: Promise.resolve(true) };
  }
  let missing!: (is: boolean) => void;
  const isMissing = new Promise<boolean>((resolve) => (missing = resolve));
  const survey = new Promise<HostSurvey | null>((resolve) => {
    const chunks: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', (err: NodeJS.ErrnoException) => {
      missing(err.code === 'ENOENT' || err.code === 'EACCES');
      resolve(null);
    });
    child.on('close', (code) => {
      missing(false);
      resolve(code === 0 ? parseHostSurvey(Buffer.concat(chunks), !!req.cgroups) : null);
    });
  });
  child.stdin!.on('error', () => {}); // the helper ended before reading them all: its exit code tells
  child.stdin!.end(Buffer.from(req.known.buffer, req.known.byteOffset, req.known.byteLength));
  return { survey, child, missing: isMissing };
}
