// tctop's own containers: parent tctop-shim --id <id> --state <dir>, cgroup /tctop/<id>, state.json in the state dir.
// Found like any other runtime's: the engine tells discovery nothing directly.
import { join } from 'node:path';
import { listDir } from '../../host/read.js';
import type { Container } from '../../snapshot/model.js';
import { isoSeconds, obj, readJson, str } from '../metadata.js';
import { flagValue } from '../shim-args.js';
import type { Candidate, Claim, DiscoveryContext, RuntimeAdapter } from '../types.js';
import { stoppedContainer } from './docker.js';

export function tctopRoot(): string {
  return process.env.TCTOP_ROOT || '/var/lib/tctop';
}

// exit.json (written by the shim when the init has exited) overrides a state.json that still says running
function foldExit(s: Record<string, unknown> | null, exit: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!s || !exit || s.status !== 'running' || typeof exit.exitCode !== 'number') return s;
  return { ...s, status: 'exited', exitCode: exit.exitCode, oomKilled: exit.oomKilled === true, finishedAt: exit.finishedAt };
}

function fromState(id: string, s: Record<string, unknown> | null, stateDir: string) {
  const extra = {
    exitCode: typeof s?.exitCode === 'number' ? s.exitCode : null,
    oomKilled: s?.oomKilled === true,
    createdAt: str(s?.createdAt) ?? null,
    startedAt: str(s?.startedAt) ?? null,
    finishedAt: str(s?.finishedAt) ?? null,
    bundle: str(s?.bundle) ?? stateDir,
    // published ports (engine/network), shown while it runs, as docker's NetworkSettings.Ports
    ports: s?.status === 'running' ? obj(s?.net).ports ?? [] : [],
  };
  return {
    name: str(s?.name) ?? id.slice(0, 12),
    image: str(s?.image) ?? '',
    status: str(s?.status) ?? 'unknown',
    labels: Object.fromEntries(Object.entries(obj(s?.labels)).filter((e): e is [string, string] => typeof e[1] === 'string')),
    createdAt: isoSeconds(s?.createdAt),
    startedAt: isoSeconds(s?.startedAt),
    extra,
  };
}

export const tctopAdapter: RuntimeAdapter = {
  runtime: 'tctop',
  claim(c: Candidate, ctx: DiscoveryContext): Claim | null {
    const isShim = c.parent?.comm === 'tctop-shim';
    const args = isShim ? c.parentArgs ?? [] : [];
    const id = c.hint?.runtime === 'tctop' ? c.hint.id : flagValue(args, '--id');
    if (!id) return null;
    const stateDir = flagValue(args, '--state') ?? join(tctopRoot(), 'containers', id);
    const s = readJson(ctx, join(ctx.paths.root, stateDir, 'state.json'));
    const m = fromState(id, foldExit(s, s?.status === 'running' ? readJson(ctx, join(ctx.paths.root, stateDir, 'exit.json')) : null), stateDir);
    return {
      runtime: 'tctop',
      id,
      name: m.name,
      image: m.image,
      // found by its cgroup but no longer a child of its shim: the shim was killed, nothing will record the exit
      state: !isShim && m.status === 'running' ? 'shim-dead' : m.status === 'created' || m.status === 'unknown' ? 'running' : m.status,
      labels: m.labels,
      createdAt: m.createdAt,
      startedAt: m.startedAt,
      parentIsShim: isShim,
      extra: m.extra,
    };
  },
  listStopped(ctx, runningIds): Container[] {
    const dir = join(ctx.paths.root, tctopRoot(), 'containers');
    const out: Container[] = [];
    for (const id of listDir(dir)) {
      if (runningIds.has(id) || !/^[0-9a-f]{64}$/.test(id)) continue;
      const raw = readJson(ctx, join(dir, id, 'state.json'));
      if (!raw) continue;
      const s = foldExit(raw, raw.status === 'running' ? readJson(ctx, join(dir, id, 'exit.json')) : null);
      const m = fromState(id, s, join(dir, id));
      // state says running, no exit record and no process is there: the shim died; say so rather than pretend
      const state = m.status === 'running' ? 'shim-dead' : m.status;
      out.push(stoppedContainer('tctop', id, m.name, m.image, state, m.labels, m.createdAt, m.startedAt, m.extra));
    }
    return out;
  },
};
