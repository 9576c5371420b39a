// state.json (written only by the engine, atomically) and exit.json (written only by the shim, renamed into place
// once the init has exited): their shapes, and how a reader folds the second into the first, so a container whose
// init has exited reads as exited whoever looks first (the engine, `tctop ps`, the dashboard).

export type ContainerStatus = 'created' | 'running' | 'exited';

/** The fields of state.json every reader may rely on (the engine adds its own: cgroup, config). */
export interface StateRecord {
  id: string;
  name: string;
  /** The image reference as the user typed it. */
  image: string;
  imageId: string;
  status: ContainerStatus;
  /** ISO 8601. */
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The init's exit code, or 128+signal when a signal ended it (as docker). */
  exitCode: number | null;
  exitSignal: number | null;
  oomKilled: boolean;
  /** The init's host PID and its start time (clock ticks since boot, /proc/<pid>/stat field 22): PID reuse check. */
  pid: number | null;
  pidStartTime: number | null;
  shimPid: number | null;
  shimStartTime: number | null;
  labels: Record<string, string>;
  bundle: string;
  /** --rm: remove once it has exited. */
  autoRemove: boolean;
}

/** exit.json: `{"exitCode":N,"signal":S|null,"oomKilled":bool,"finishedAt":"...","pid":P}`. */
export interface ExitRecord {
  /** The exit status, or 128+signal. */
  exitCode: number;
  signal: number | null;
  oomKilled: boolean;
  finishedAt: string;
  pid: number;
}

/** exit.json as parsed JSON -> its record; null unless it has a numeric exitCode (anything else is not the shim's). */
export function exitRecordOf(value: unknown): ExitRecord | null {
  if (!value || typeof value !== 'object') return null;
  const e = value as Partial<Record<keyof ExitRecord, unknown>>;
  if (typeof e.exitCode !== 'number') return null;
  return {
    exitCode: e.exitCode,
    signal: typeof e.signal === 'number' ? e.signal : null,
    oomKilled: e.oomKilled === true,
    finishedAt: String(e.finishedAt ?? ''),
    pid: Number(e.pid),
  };
}

/** exit.json's text -> its record, null if it is not valid JSON (the shim renames it into place whole). */
export function parseExitRecord(text: string): ExitRecord | null {
  try {
    return exitRecordOf(JSON.parse(text));
  } catch {
    return null;
  }
}

/** Whether a state says running, the one case in which exit.json is worth reading. */
export function mayHaveExited(state: { status?: unknown } | null): boolean {
  return state?.status === 'running';
}

/**
 * Folds exit.json in: a running container whose init has exited is exited, with its code, signal and OOM flag.
 * Generic so that discovery can fold a state.json it has not validated (a host's file is hostile input) as well as
 * the engine its own typed state.
 */
export function foldExit<S extends { status?: unknown }>(state: S, exit: ExitRecord | null, now: () => Date = () => new Date()): S {
  if (!exit || !mayHaveExited(state)) return state;
  return {
    ...state,
    status: 'exited',
    exitCode: exit.exitCode,
    exitSignal: exit.signal,
    oomKilled: exit.oomKilled,
    finishedAt: exit.finishedAt || now().toISOString(),
  };
}
