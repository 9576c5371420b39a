// Why a host file could not be read. The host is racy and partly closed to us, so these are answers, not
// exceptions: "vanished" (the process or cgroup went away: ENOENT, ESRCH...), "denied" (EACCES, EPERM: the file is
// there and we may not read it) and "malformed" (read, but not in the form its parser knows). Anything else (EIO,
// EMFILE...) is a real error and is thrown.

export type ReadFailure = 'vanished' | 'denied' | 'malformed';

export const READ_FAILURES: readonly ReadFailure[] = ['vanished', 'denied', 'malformed'];

/** What the scan could not read, and why (kept in the snapshot; `tctop_scan_errors` counts them by kind). */
export interface ReadNote {
  /** What could not be read, e.g. '/proc/123/status'. */
  path: string;
  reason: string;
  kind: ReadFailure;
}

/** Told of each failed read (path, kind, the errno or what did not parse). */
export type FailureSink = (path: string, kind: ReadFailure, reason: string) => void;

export function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

/**
 * The kind of a failed read, or undefined for an error that is not the host's racing or refusing (thrown on).
 * ENODEV: a kept descriptor of a removed cgroup. ENOTDIR: a path component replaced by a file. EINVAL: a readlink of
 * something that is not a link, or a kernel file refusing the read (malformed: the path is not what it should be).
 */
export function classifyReadError(err: unknown): ReadFailure | undefined {
  switch (errnoOf(err)) {
    case 'ENOENT':
    case 'ESRCH':
    case 'ENODEV':
    case 'ENOTDIR':
      return 'vanished';
    case 'EACCES':
    case 'EPERM':
      return 'denied';
    case 'EINVAL':
      return 'malformed';
    default:
      return undefined;
  }
}

/** Classify `err`, tell `sink`, and answer whether it was one of ours (else the caller rethrows). */
export function reportFailure(err: unknown, path: string, sink: FailureSink | undefined): boolean {
  const kind = classifyReadError(err);
  if (kind === undefined) return false;
  sink?.(path, kind, errnoOf(err)!);
  return true;
}
