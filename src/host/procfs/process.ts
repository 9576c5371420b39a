// One process, read whole (first sight) or refreshed (stat only: what changes between ticks).
import { join } from 'node:path';
import { decodeHostBytes } from '../../text/sanitize.js';
import type { HostReader } from '../reader.js';
import type { ProcessInfo } from '../records.js';
import { parseProcCgroup } from './cgroup.js';
import { readCmdline } from './cmdline.js';
import { parseStat, type ProcStat } from './stat.js';
import { parseStatus } from './status.js';

export interface ProcessReadContext {
  reader: HostReader;
  pageSize: number;
  userName(uid: number): string;
}

/** A process's stat (kept open by a long-running scanner); null, and noted, when it vanished or does not parse. */
export function readStat(r: HostReader, pid: number): ProcStat | null {
  const path = `${r.paths.proc}/${pid}/stat`;
  const buf = r.hotRecordBytes(path, 4096, true);
  if (buf === null) return null;
  // comm may hold invalid UTF-8: decode losslessly so it can be shown escaped
  const stat = parseStat(decodeHostBytes(buf));
  if (!stat) r.malformed(path, 'unparsable stat');
  return stat;
}

/** Everything about a process; null when it vanished while being read (noted), or when `pid` is a thread's. */
export function readProcess(ctx: ProcessReadContext, pid: number): ProcessInfo | null {
  const p = readProcessMember(ctx, pid);
  const cgroupText = p === null ? null : ctx.reader.recordText(join(ctx.reader.paths.proc, String(pid), 'cgroup'), true);
  if (p === null || cgroupText === null) return null;
  p.cgroups = parseProcCgroup(cgroupText);
  return p;
}

/**
 * A container member (or shim) in full, but for its cgroup memberships (cgroups []): the container's cgroup is the
 * one it was found in, and only the init's memberships are used (read then: readMemberships). Null as readProcess.
 */
export function readProcessMember(ctx: ProcessReadContext, pid: number): ProcessInfo | null {
  const r = ctx.reader;
  const stat = readStat(r, pid);
  if (!stat) return null;
  const statusText = r.recordText(join(r.paths.proc, String(pid), 'status'), true);
  const argv = statusText === null ? null : readCmdline(r, pid, true);
  if (statusText === null || argv === null) return null;
  return processOf(ctx, pid, stat, statusText, argv, []);
}

/**
 * A shim for a summary (`tctop ps`): stat and status alone (its uid tells a rootless runtime); its command line and
 * cgroup memberships are not read (command '', cgroups []). Null as readProcess.
 */
export function readProcessLight(ctx: ProcessReadContext, pid: number): ProcessInfo | null {
  const r = ctx.reader;
  const stat = readStat(r, pid);
  if (!stat) return null;
  const statusText = r.recordText(join(r.paths.proc, String(pid), 'status'), true);
  if (statusText === null) return null;
  return processOf(ctx, pid, stat, statusText, null, []);
}

/**
 * A container member for a summary that is not its cgroup's root (its parent is a member too): stat alone. Its
 * status fields are unknown (nsPids [], containerPid 0, uid -1, user ''), as its command line and memberships are:
 * of a cgroup's members, picking the init takes only the roots' status (withStatus). Null when it vanished.
 */
export function readProcessStatOnly(ctx: ProcessReadContext, pid: number): ProcessInfo | null {
  const stat = readStat(ctx.reader, pid);
  return stat && processOf(ctx, pid, stat, null, null, []);
}

/** A process read stat alone (readProcessStatOnly), its status read now; null when it vanished or is a thread's. */
export function withStatus(ctx: ProcessReadContext, p: ProcessInfo): ProcessInfo | null {
  if (p.nsPids.length) return p; // read already (a read status gives at least [hostPid])
  const statusText = ctx.reader.recordText(join(ctx.reader.paths.proc, String(p.hostPid), 'status'), true);
  return statusText !== null && applyStatus(ctx, p, statusText) ? p : null;
}

/** The record from what was read; null when `pid` is a thread's (reached by its TID: not a process). */
function processOf(
  ctx: ProcessReadContext,
  pid: number,
  stat: ProcStat,
  statusText: string | null,
  argv: string[] | null,
  cgroups: ProcessInfo['cgroups'],
): ProcessInfo | null {
  // the status fields stay unknown (readProcessStatOnly) unless its status was read
  const p: ProcessInfo = {
    hostPid: pid,
    containerPid: 0,
    nsPids: [],
    ppid: stat.ppid,
    threads: stat.numThreads,
    state: stat.state,
    comm: stat.comm,
    command: argv === null ? '' : commandOf(argv, stat.comm),
    ...(argv === null ? {} : { argv }),
    uid: -1,
    user: '',
    startTicks: stat.startTicks,
    cpuTicks: stat.utime + stat.stime,
    rssBytes: stat.rssPages * ctx.pageSize,
    ttyNr: stat.ttyNr,
    vsizeBytes: stat.vsizeBytes,
    cgroups,
  };
  return statusText === null || applyStatus(ctx, p, statusText) ? p : null;
}

/** Sets the fields status gives (PID namespace chain, uid); false when `p.hostPid` is a thread's TID. */
function applyStatus(ctx: ProcessReadContext, p: ProcessInfo, statusText: string): boolean {
  const status = parseStatus(statusText);
  if (status.tgid > 0 && status.tgid !== p.hostPid) return false;
  p.nsPids = status.nsPids.length ? status.nsPids : [p.hostPid];
  p.containerPid = p.nsPids[p.nsPids.length - 1];
  p.uid = status.uid;
  p.user = ctx.userName(status.uid);
  return true;
}

/** ps's COMMAND: argv joined, or [comm] for a kernel thread (no argv). */
const commandOf = (argv: string[], comm: string) => (argv.length ? argv.join(' ') : `[${comm}]`);

/** A process read light (readProcessLight), its command line read now (a shim's: its flags name its container). */
export function withCommandLine(r: HostReader, p: ProcessInfo): ProcessInfo {
  if (p.argv !== undefined) return p;
  const argv = readCmdline(r, p.hostPid);
  if (argv !== null) {
    p.argv = argv;
    p.command = commandOf(argv, p.comm);
  }
  return p;
}

/** The cgroup memberships of a process read light (readProcessLight), read now; [] when it vanished. */
export function readMemberships(r: HostReader, pid: number): ProcessInfo['cgroups'] {
  const text = r.recordText(join(r.paths.proc, String(pid), 'cgroup'), true);
  return text === null ? [] : parseProcCgroup(text);
}

/**
 * Refresh a known process: re-read stat only (whole when its comm changed). Returns null if it vanished, or
 * 'reused' when the PID now belongs to a different process (start time changed), in which case the caller reads it
 * whole.
 */
export function refreshProcess(ctx: ProcessReadContext, known: ProcessInfo): ProcessInfo | null | 'reused' {
  const stat = readStat(ctx.reader, known.hostPid);
  if (!stat) return null;
  if (stat.startTicks !== known.startTicks) return 'reused';
  // another comm: the process ran execve (or renamed itself), so its command line, user and cgroups may be others
  // too. runc's exec stage runc:[2:INIT] becomes the exec'd command this way, under the same PID and start time.
  if (stat.comm !== known.comm) return readProcess(ctx, known.hostPid);
  return {
    ...known,
    ppid: stat.ppid,
    state: stat.state,
    threads: stat.numThreads,
    comm: stat.comm,
    cpuTicks: stat.utime + stat.stime,
    rssBytes: stat.rssPages * ctx.pageSize,
    ttyNr: stat.ttyNr,
    vsizeBytes: stat.vsizeBytes,
  };
}

/** PIDs listed in /proc (numeric entries only). */
export function listPids(entries: string[]): number[] {
  const out: number[] = [];
  for (const e of entries) {
    const c = e.charCodeAt(0);
    if (c >= 48 && c <= 57) out.push(Number(e));
  }
  return out;
}
