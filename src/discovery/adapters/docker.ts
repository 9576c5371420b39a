// Docker: cgroup /docker/<id> (cgroupfs) or docker-<id>.scope (systemd); names from
// /var/lib/docker/containers/<id>/config.v2.json; its shim is containerd-shim-runc-v2 -namespace moby.
import { join } from 'node:path';
import { underRoot } from '../../host/paths.js';
import { FULL_ID_HEX, isFullId, shortId } from '../../text/ids.js';
import { homeOf, isoSeconds, NONE_OF_THEM, obj, readJson, readJsonAmong, rootlessUid, str, stringRecord } from '../metadata.js';
import { flagValue } from '../shim-args.js';
import { dockerImageLayers } from './docker-layers.js';
import type { Container } from '../../snapshot/model.js';
import { defineAdapter, type Candidate, type Claim, type DiscoveryContext, type LogSource, type StoppedRecord } from '../types.js';

const CONTAINERS_DIR = '/var/lib/docker/containers';

function dockerState(state: Record<string, unknown>): string {
  if (state.Paused === true) return 'paused';
  if (state.Restarting === true) return 'restarting';
  if (state.Running === true) return 'running';
  if (state.Dead === true) return 'dead';
  return str(state.Status) ?? (isoSeconds(state.StartedAt) ? 'exited' : 'created');
}

interface DockerMeta {
  id: string;
  name: string;
  image: string;
  state: string;
  pid: number;
  labels: Record<string, string>;
  createdAt: number | null;
  startedAt: number | null;
  extra: Record<string, unknown>;
}

/** config.v2.json from the system data root, or a rootless dockerd's (~/.local/share/docker of its user). */
function readConfigV2(ctx: DiscoveryContext, id: string, c?: Candidate): Record<string, unknown> | null {
  const system = readJson(ctx, join(underRoot(ctx.paths, CONTAINERS_DIR), id, 'config.v2.json'));
  if (system || !c) return system;
  const uid = rootlessUid(c.parent?.uid, c.cgroupPath);
  const home = uid !== undefined ? homeOf(ctx, uid) : undefined;
  return home ? readJson(ctx, join(underRoot(ctx.paths, home), '.local/share/docker/containers', id, 'config.v2.json')) : null;
}

/** The name as readDockerMeta gives it. */
const nameIn = (cfg: Record<string, unknown>) => (str(cfg.Name) ?? '').replace(/^\//, '');

/** The name claim gives from the system data root's record; null: that record shows it is none of `among`. */
function dockerNameOf(ctx: DiscoveryContext, id: string, among?: readonly string[]): string | null | undefined {
  const path = join(underRoot(ctx.paths, CONTAINERS_DIR), id, 'config.v2.json');
  const cfg = among ? readJsonAmong(ctx, path, among) : readJson(ctx, path);
  return cfg === NONE_OF_THEM ? null : cfg ? nameIn(cfg) : undefined;
}

function readDockerMeta(ctx: DiscoveryContext, id: string, c?: Candidate): DockerMeta | null {
  const cfg = readConfigV2(ctx, id, c);
  if (!cfg) return null;
  const state = obj(cfg.State);
  const config = obj(cfg.Config);
  // While docker still records the container as running, ExitCode is the 0 it starts with, not an exit: a scan
  // that sees the init gone before dockerd has written the exit must not report that 0.
  const exitRecorded = state.Running !== true;
  return {
    id,
    name: nameIn(cfg),
    image: str(config.Image) ?? '',
    state: dockerState(state),
    pid: Number(state.Pid) || 0,
    labels: stringRecord(config.Labels),
    createdAt: isoSeconds(cfg.Created),
    startedAt: isoSeconds(state.StartedAt),
    extra: {
      exitCode: exitRecorded && typeof state.ExitCode === 'number' ? state.ExitCode : null,
      oomKilled: exitRecorded && state.OOMKilled === true,
      finishedAt: isoSeconds(state.FinishedAt),
      ports: dockerPorts(obj(cfg.NetworkSettings).Ports),
    },
  };
}

/**
 * json-file keeps config.v2.json's LogPath; local writes local-logs/container.log (and container.log.1[.gz]... as it
 * rotates) in the container's directory; other drivers (hostconfig.json LogConfig.Type) keep nothing tctop reads.
 */
function dockerLogSource(c: Container, ctx: DiscoveryContext): LogSource {
  const dir = join(underRoot(ctx.paths, CONTAINERS_DIR), c.id);
  const driver = str(obj(obj(readJson(ctx, join(dir, 'hostconfig.json'))).LogConfig).Type) ?? 'json-file';
  const path = str(obj(readJson(ctx, join(dir, 'config.v2.json'))).LogPath);
  if (driver === 'json-file' && path) return { path, format: 'json-file' };
  if (driver === 'local') {
    const logs = join(CONTAINERS_DIR, c.id, 'local-logs');
    const rotated = ctx.reader
      .list(underRoot(ctx.paths, logs))
      .map((f) => ({ f, n: Number(/^container\.log\.(\d+)(?:\.gz)?$/.exec(f)?.[1]) }))
      .filter(({ n }, i, all) => n > 0 && all.findIndex((o) => o.n === n) === i) // .1 and .1.gz while compressing
      .sort((a, b) => b.n - a.n) // container.log.1 is the newest of them
      .map(({ f }) => join(logs, f));
    return { path: join(logs, 'container.log'), format: 'docker-local', rotated };
  }
  return { unreadable: `docker's ${driver} log driver keeps no file tctop can read (docker logs, or the driver's own tool)` };
}

export const dockerAdapter = defineAdapter({
  runtime: 'docker',
  logSource: dockerLogSource,
  imageLayers: dockerImageLayers,
  cgroupNames: [new RegExp(`/docker/(${FULL_ID_HEX})$`), new RegExp(`/docker-(${FULL_ID_HEX})\\.scope$`)],
  stateDirs: () => [
    { path: CONTAINERS_DIR, depth: 0 },
    { path: '/run/docker/runtime-runc', depth: 1 },
  ],
  actionHint: (a, c) => `docker ${a === 'remove' ? 'rm' : a} ${c.name || shortId(c.id)}`,
  claim(c: Candidate, ctx: DiscoveryContext): Claim | null {
    const shimNs = c.parentArgs && flagValue(c.parentArgs, '-namespace', '--namespace');
    const id = c.hint?.runtime === 'docker' ? c.hint.id : shimNs === 'moby' ? flagValue(c.parentArgs!, '-id', '--id') : undefined;
    if (!id) return null;
    const meta = readDockerMeta(ctx, id, c);
    return {
      runtime: 'docker',
      id,
      name: meta?.name ?? shortId(id),
      image: meta?.image ?? '',
      state: meta?.state ?? 'running',
      labels: meta?.labels ?? {},
      createdAt: meta?.createdAt ?? null,
      startedAt: meta?.startedAt ?? null,
      parentIsShim: (c.parent?.comm ?? '').startsWith('containerd-shim') || c.parent?.comm === 'docker-containe',
      initPid: meta && meta.pid > 0 ? meta.pid : undefined,
      extra: meta?.extra,
    };
  },
  // the system data root's record, as claim reads it first (a rootless dockerd's is found through the shim: undefined)
  nameOf: (id, ctx, _shimArgs, among) => dockerNameOf(ctx, id, among),
  listStopped(ctx, runningIds): StoppedRecord[] {
    const out: StoppedRecord[] = [];
    for (const id of ctx.reader.list(underRoot(ctx.paths, CONTAINERS_DIR))) {
      if (runningIds.has(id) || !isFullId(id)) continue;
      const m = readDockerMeta(ctx, id);
      if (!m || m.state === 'running' || m.state === 'paused') continue; // running but unseen: it is starting or stopping
      out.push({
        runtime: 'docker',
        id: m.id,
        name: m.name,
        image: m.image,
        state: m.state,
        labels: m.labels,
        createdAt: m.createdAt,
        startedAt: m.startedAt,
        extra: m.extra,
      });
    }
    return out;
  },
});

/** NetworkSettings.Ports ({"80/tcp": [{HostIp, HostPort}]}, null when only exposed) as tctop's published-port list. */
function dockerPorts(ports: unknown): Array<{ hostIp: string; hostPort: number; containerPort: number; proto: string }> {
  const out: Array<{ hostIp: string; hostPort: number; containerPort: number; proto: string }> = [];
  for (const [key, bindings] of Object.entries(obj(ports))) {
    const m = /^(\d+)\/(tcp|udp|sctp)$/.exec(key);
    if (!m) continue;
    const list = Array.isArray(bindings) ? bindings : [];
    if (list.length === 0) out.push({ hostIp: '', hostPort: 0, containerPort: Number(m[1]), proto: m[2] });
    for (const b of list)
      out.push({ hostIp: str(obj(b).HostIp) ?? '', hostPort: Number(str(obj(b).HostPort)) || 0, containerPort: Number(m[1]), proto: m[2] });
  }
  return out;
}
