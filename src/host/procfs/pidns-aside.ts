// The processes outside the host's PID namespace, found aside: a cold scan must readlink /proc/<pid>/ns/pid for
// every PID (~25 ms of kernel time at 5,000 processes) to find PID namespaces no cgroup claims. Node has one thread
// for it, so one-shot commands hand it to native/build/tctop-pidns, which runs on the other core while the scanner
// reads the container cgroups, keeps only the links that differ from the host's, and counts the processes; the few
// links it returns are parsed exactly as the scanner parses its own readlinks.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { lazyBuiltin } from '../../lazy-builtin.js';
import { packageRoot } from '../../package-root.js';
import { parseNsLink } from './namespaces.js';

// on first use: the launcher bundles this module for every command, and only ps, inspect and stats start the helper
const childProcess = lazyBuiltin<typeof import('node:child_process')>('node:child_process');

/** What the helper found: how many processes the host has, and the PID namespace of each one outside the host's. */
export interface PidnsSurvey {
  processCount: number;
  /** PID -> PID namespace inode, for every readable link that is not the host's. */
  outsideHost: Map<number, number | undefined>;
}

export function pidnsHelperPath(): string {
  return join(packageRoot(), 'native', 'build', 'tctop-pidns');
}

const ZERO = 0x30;
const NINE = 0x39;

/** The decimal number in out[from, to), or -1 when it is not one (or too long to be exact). */
export function decimalAt(out: Buffer, from: number, to: number): number {
  if (to <= from || to - from > 15) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = out[i];
    if (c < ZERO || c > NINE) return -1;
    n = n * 10 + (c - ZERO);
  }
  return n;
}

/** A link's inode: "pid:[4026531836]" read in place (5,000 of them: strings would cost more than the
 * readlinks did); anything else goes through parseNsLink, as a readlink here would. */
export function linkInode(out: Buffer, from: number, to: number): number | undefined {
  if (to === from) return undefined;
  const open = out.indexOf(0x5b, from); // '['
  if (open >= 0 && open < to && out[to - 1] === 0x5d) {
    const n = decimalAt(out, open + 1, to - 1);
    if (n >= 0) return n;
  }
  return parseNsLink(out.toString('utf8', from, to));
}

/** Parses the helper's "<count>\0" and "<pid>\0<link>\0" pairs; null when the count is missing. */
export function parsePidnsOutput(out: Buffer): PidnsSurvey | null {
  const countEnd = out.indexOf(0);
  const processCount = decimalAt(out, 0, countEnd);
  if (processCount < 0) return null;
  const table = new Map<number, number | undefined>();
  let at = countEnd + 1;
  for (;;) {
    const pidEnd = out.indexOf(0, at);
    if (pidEnd < 0) break;
    const linkEnd = out.indexOf(0, pidEnd + 1);
    if (linkEnd < 0) break;
    const pid = decimalAt(out, at, pidEnd);
    if (pid > 0) table.set(pid, linkInode(out, pidEnd + 1, linkEnd));
    at = linkEnd + 1;
  }
  return { processCount, outsideHost: table };
}

/** The helper, started: its survey to come, and the child (absent when it could not even be spawned). */
export interface StartedSurvey {
  survey: Promise<PidnsSurvey | null>;
  child?: ChildProcess;
}

/** Starts the helper (see readPidNamespacesAside). */
export function startPidnsSurvey(procDir: string, hostPidns: number | undefined, helper = pidnsHelperPath()): StartedSurvey {
  let child: ChildProcess;
  try {
    child = childProcess().spawn(helper, [procDir, hostPidns === undefined ? '-' : String(hostPidns)], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return { survey: Promise.resolve(null) };
  }
  const survey = new Promise<PidnsSurvey | null>((resolve) => {
    const chunks: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code === 0 ? parsePidnsOutput(Buffer.concat(chunks)) : null));
  });
  return { survey, child };
}

/**
 * Starts the helper; resolves with its survey, or null when it is missing or fails (the caller reads them itself).
 * `hostPidns`: the host's PID namespace inode, undefined when unknown (then no process counts as outside it).
 */
export function readPidNamespacesAside(
  procDir: string,
  hostPidns: number | undefined,
  helper = pidnsHelperPath(),
): Promise<PidnsSurvey | null> {
  return startPidnsSurvey(procDir, hostPidns, helper).survey;
}
