// `tctop events`: what happened to containers of every runtime, found by comparing successive snapshots (and, for
// the past, the times each runtime's own state records), in docker's event layout.
import type { Container, HostSnapshot } from '../snapshot/model.js';

/** docker's container actions; exec_start carries the command as docker's does (`exec_start: sleep 5`). */
export type EventAction = 'create' | 'start' | 'exec_start' | 'pause' | 'unpause' | 'oom' | 'die' | 'destroy';
export const EVENT_ACTIONS: EventAction[] = ['create', 'start', 'exec_start', 'pause', 'unpause', 'oom', 'die', 'destroy'];

export interface ContainerEvent {
  /** Seconds since the epoch, with sub-second precision where known. */
  time: number;
  action: EventAction;
  /** The command of an exec_start. */
  detail?: string;
  id: string;
  name: string;
  image: string;
  runtime: string;
  attributes: Record<string, string>;
}

const running = (c: Container) => c.init !== null;

function event(c: Container, action: EventAction, time: number, attributes: Record<string, string> = {}, detail?: string): ContainerEvent {
  return {
    time,
    action,
    detail,
    id: c.id,
    name: c.name,
    image: c.image,
    runtime: c.runtime,
    attributes: { ...labelsOf(c), ...attributes, image: c.image, name: c.name },
  };
}

/** docker puts the container's labels among the attributes; Kubernetes' are in `labels` here too. */
function labelsOf(c: Container): Record<string, string> {
  return { ...c.labels };
}

function exitAttributes(c: Container): Record<string, string> {
  const code = c.extra.exitCode;
  return typeof code === 'number' ? { exitCode: String(code) } : {};
}

/** A runtime's recorded time: seconds since the epoch, or an RFC 3339 string (docker's zero time is no time). */
const seconds = (v: unknown): number | null => {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? v : null;
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isFinite(t) && t > 0 ? t / 1000 : null;
};

/** The events between two snapshots taken `prev` then `cur`, stamped with cur's time. */
export function diffEvents(prev: HostSnapshot, cur: HostSnapshot): ContainerEvent[] {
  const now = cur.takenAt / 1000;
  const before = new Map(prev.containers.map((c) => [c.id, c]));
  const after = new Map(cur.containers.map((c) => [c.id, c]));
  const out: ContainerEvent[] = [];
  for (const c of cur.containers) {
    const p = before.get(c.id);
    if (!p) {
      out.push(event(c, 'create', now));
      if (running(c)) out.push(event(c, 'start', now));
      // it ran and ended between two looks (a quick command, an OOM kill at start): its recorded exit says so
      else if ((seconds(c.extra.finishedAt) ?? 0) >= prev.takenAt / 1000 - 1) out.push(event(c, 'start', now), ...deathOf(c, now, c));
      continue;
    }
    const wasRunning = running(p) && p.init?.hostPid === c.init?.hostPid;
    // thawed, then gone between two looks: docker says unpause before die
    if (c.state !== 'paused' && p.state === 'paused') out.push(event(c, 'unpause', now));
    if (running(c) && !wasRunning) {
      if (running(p)) out.push(...deathOf(p, now, c)); // a restart between two looks: the old init died
      out.push(event(c, 'start', now));
    }
    if (running(c) && wasRunning) out.push(...execsOf(p, c, prev, cur, now));
    if (!running(c) && running(p)) out.push(...deathOf(p, now, c));
    // created (or exited) before, exited again now: it started and ended between two looks
    const endedNow = seconds(c.extra.finishedAt);
    if (!running(c) && !running(p) && endedNow !== null && endedNow !== seconds(p.extra.finishedAt))
      out.push(event(c, 'start', now), ...deathOf(c, now, c));
    const oom = (c.cgroup?.memory?.oomKills ?? 0) - (p.cgroup?.memory?.oomKills ?? 0);
    if (running(c) && running(p) && oom > 0) out.push(event(c, 'oom', now));
    if (c.state === 'paused' && p.state !== 'paused') out.push(event(c, 'pause', now));
  }
  for (const p of prev.containers) {
    if (after.has(p.id)) continue;
    if (running(p)) out.push(...deathOf(p, now, undefined));
    out.push(event(p, 'destroy', now));
  }
  return out;
}

/**
 * die, with the exit code the runtime recorded (and oom first when it recorded the OOM killer: the killed init's
 * cgroup is gone before its counter can be read again).
 */
function deathOf(p: Container, now: number, after: Container | undefined): ContainerEvent[] {
  const recorded = after && !running(after) ? after : p;
  return [...(recorded.extra.oomKilled === true ? [event(p, 'oom', now)] : []), event(p, 'die', now, exitAttributes(recorded))];
}

/**
 * runc's own stages of a process it is starting: `runc init` before nsexec renames it, then runc:[1:CHILD] and
 * runc:[2:INIT]. Not yet the command it will run.
 */
function inRuntimeSetup(proc: { comm: string; command: string } | undefined): boolean {
  return proc !== undefined && (proc.comm.startsWith('runc:[') || /^\S*runc init$/.test(proc.command));
}

/**
 * A process new to the container whose parent is not one of its processes came in from outside: an exec. One seen
 * last time still in its runtime's setup stage counts as new once it runs its command, so the action names that.
 */
function execsOf(p: Container, c: Container, prev: HostSnapshot, cur: HostSnapshot, now: number): ContainerEvent[] {
  const old = new Set(p.pids.filter((pid) => !inRuntimeSetup(prev.processes.get(pid))));
  const members = new Set(c.pids);
  const out: ContainerEvent[] = [];
  for (const pid of c.pids) {
    if (old.has(pid) || pid === c.init?.hostPid) continue;
    const proc = cur.processes.get(pid);
    // a child of the container's own processes is not an exec, but runc's setup stages are members too while they run
    if (!proc || inRuntimeSetup(proc) || (members.has(proc.ppid) && !inRuntimeSetup(cur.processes.get(proc.ppid)))) continue;
    out.push(event(c, 'exec_start', now, { execID: String(pid) }, proc.command));
  }
  return out;
}

/** The past as the runtimes' state records it: each existing container's create, last start and last exit. */
export function replayEvents(snapshot: HostSnapshot, since: number, until: number): ContainerEvent[] {
  const out: ContainerEvent[] = [];
  for (const c of snapshot.containers) {
    const created = c.createdAt;
    // a stopped container's startedAt is its last start as the runtime recorded it
    const started = seconds(c.startedAt);
    const recordedEnd = running(c) ? null : seconds(c.extra.finishedAt);
    // Docker stamps StartedAt after containerd's start returns but FinishedAt with the shim's exit time, so a
    // container that exits at once can record its end before its start: a die never replays before its start.
    const finished = recordedEnd !== null && started !== null ? Math.max(recordedEnd, started) : recordedEnd;
    if (created !== null) out.push(event(c, 'create', created));
    if (started !== null) out.push(event(c, 'start', started));
    if (finished !== null) {
      if (c.extra.oomKilled === true) out.push(event(c, 'oom', finished));
      out.push(event(c, 'die', finished, exitAttributes(c)));
    }
  }
  return out.filter((e) => e.time >= since && e.time <= until).sort((a, b) => a.time - b.time);
}

const actionText = (e: ContainerEvent) => (e.detail !== undefined ? `${e.action}: ${e.detail}` : e.action);

/** Nanoseconds since the epoch as digits: past 2^53, a JSON number would lose them. */
function nanos(e: ContainerEvent): string {
  return (BigInt(Math.round(e.time * 1e6)) * 1000n).toString();
}

/** One line of docker's JSON layout, plus `runtime`. */
export function dockerEventJson(e: ContainerEvent): string {
  const action = actionText(e);
  const body = {
    status: action,
    id: e.id,
    from: e.image,
    Type: 'container',
    Action: action,
    Actor: { ID: e.id, Attributes: e.attributes },
    scope: 'local',
    time: Math.floor(e.time),
  };
  return JSON.stringify(body).slice(0, -1) + `,"timeNano":${nanos(e)},"runtime":${JSON.stringify(e.runtime)}}`;
}

/** docker events' text line: `<RFC 3339 nano> container <action> <id> (k=v, ...)`, attributes sorted, runtime among them. */
export function dockerEventText(e: ContainerEvent): string {
  const ns = nanos(e);
  const iso = new Date(Math.floor(e.time) * 1000).toISOString().replace(/\.\d{3}Z$/, `.${ns.slice(-9)}Z`);
  const attrs = Object.entries({ ...e.attributes, runtime: e.runtime })
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return `${iso} container ${actionText(e)} ${e.id} (${attrs})`;
}
