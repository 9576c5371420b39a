// tctop's own containers: parent tctop-shim --id <id> --state <dir>, cgroup /tctop/<id>, state.json in the state dir.
// Found like any other runtime's: the engine tells discovery nothing directly. What the engine writes, and where, is
// the engine contract (docs/engine-contract.md, src/engine-contract/): names and types only, never engine code.
import { join } from 'node:path';
import { exitRecordOf, foldExit, mayHaveExited } from '../../engine-contract/records.js';
import {
  containersDir,
  NAME_LINKS_DIR,
  parseNameLinkEntry,
  SHIM_COMM,
  SHIM_ID_FLAG,
  SHIM_STATE_FLAG,
  STATE_DIR_FILES,
  tctopRoot,
} from '../../engine-contract/state-dir.js';
import { FULL_ID_HEX, isFullId, shortId } from '../../text/ids.js';
import { isoSeconds, memo, NONE_OF_THEM, obj, readJson, readJsonAmong, str } from '../metadata.js';
import { flagValue } from '../shim-args.js';
import { defineAdapter, type Candidate, type Claim, type DiscoveryContext, type StoppedRecord } from '../types.js';

/** Marks an ID with two name entries (a reader's race with a rename): its name is read from its state instead. */
const TWO_ENTRIES = Symbol('two entries');

/** The engine's name entries, id -> name: one readdir a scan, however many containers it names. */
function linkedNames(ctx: DiscoveryContext): Map<string, string | typeof TWO_ENTRIES> {
  return memo(ctx, 'tctop:name-links', () => {
    const names = new Map<string, string | typeof TWO_ENTRIES>();
    for (const entry of ctx.reader.list(join(ctx.paths.root, NAME_LINKS_DIR))) {
      const parsed = parseNameLinkEntry(entry);
      if (parsed) names.set(parsed[0], names.has(parsed[0]) ? TWO_ENTRIES : parsed[1]);
    }
    return names;
  });
}

/** state.json of the container whose state dir is `stateDir` (a host path), exit.json folded in. */
function readFoldedState(ctx: DiscoveryContext, stateDir: string): Record<string, unknown> | null {
  const dir = join(ctx.paths.root, stateDir);
  const s = readJson(ctx, join(dir, STATE_DIR_FILES.state));
  if (!s) return null;
  return foldExit(s, mayHaveExited(s) ? exitRecordOf(readJson(ctx, join(dir, STATE_DIR_FILES.exit), true)) : null);
}

/** state.json read defensively: a host's file is hostile input, whoever wrote it. */
function fromState(id: string, s: Record<string, unknown> | null, stateDir: string, run?: Record<string, unknown> | null) {
  const extra = {
    // --restart: the shim's count in run.json (docs/engine-contract.md, "Terminals, attach and restart policies")
    restartCount: typeof run?.restartCount === 'number' ? run.restartCount : 0,
    exitCode: typeof s?.exitCode === 'number' ? s.exitCode : null,
    exitSignal: typeof s?.exitSignal === 'number' ? s.exitSignal : null,
    oomKilled: s?.oomKilled === true,
    createdAt: str(s?.createdAt) ?? null,
    startedAt: str(s?.startedAt) ?? null,
    finishedAt: str(s?.finishedAt) ?? null,
    bundle: str(s?.bundle) ?? stateDir,
    // published ports (engine/network), shown while it runs, as docker's NetworkSettings.Ports
    ports: s?.status === 'running' ? (obj(s?.net).ports ?? []) : [],
  };
  return {
    name: str(s?.name) ?? shortId(id),
    image: str(s?.image) ?? '',
    status: str(s?.status) ?? 'unknown',
    labels: Object.fromEntries(Object.entries(obj(s?.labels)).filter((e): e is [string, string] => typeof e[1] === 'string')),
    createdAt: isoSeconds(s?.createdAt),
    startedAt: isoSeconds(s?.startedAt),
    extra,
  };
}

/** The engine mounts its store's layers as they are: <root>/images/layers/sha256/<diff-id hex>/root (engine contract). */
function storeLayers(lowerDirs: readonly string[]) {
  return lowerDirs.map((dir) => {
    const hex = /\/images\/layers\/sha256\/([0-9a-f]{64})\/root$/.exec(dir)?.[1];
    return hex ? { digest: `sha256:${hex}`, storeId: hex.slice(0, 12) } : {};
  });
}

export const tctopAdapter = defineAdapter({
  runtime: 'tctop',
  imageLayers: storeLayers,
  // the state dir's container.log, json-file as docker's (the engine's logs command reads it for its own too)
  logSource: (c) => ({
    path: join(str(c.extra.bundle) ?? join(containersDir(tctopRoot()), c.id), STATE_DIR_FILES.log),
    format: 'json-file',
  }),
  cgroupNames: [new RegExp(`/tctop/(${FULL_ID_HEX})$`)],
  // a state dir comes and goes with its container; state.json and exit.json change inside it
  stateDirs: (env) => [{ path: containersDir(tctopRoot(env)), depth: 1 }],
  claim(c: Candidate, ctx: DiscoveryContext): Claim | null {
    const isShim = c.parent?.comm === SHIM_COMM;
    const args = isShim ? (c.parentArgs ?? []) : [];
    const id = c.hint?.runtime === 'tctop' ? c.hint.id : flagValue(args, SHIM_ID_FLAG);
    if (!id) return null;
    const stateDir = flagValue(args, SHIM_STATE_FLAG) ?? join(containersDir(tctopRoot()), id);
    const m = fromState(
      id,
      readFoldedState(ctx, stateDir),
      stateDir,
      readJson(ctx, join(ctx.paths.root, stateDir, STATE_DIR_FILES.run), true),
    );
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
  // the engine's name entry (one readdir for all, whichever root holds them); without one, the state dir claim
  // reads: the one its shim names (an engine root of its own), else this host's default
  nameOf(id, ctx, shimArgs, among) {
    const linked = linkedNames(ctx).get(id);
    if (typeof linked === 'string') return linked;
    const args = shimArgs() ?? [];
    const named = flagValue(args, SHIM_ID_FLAG) === id ? flagValue(args, SHIM_STATE_FLAG) : undefined;
    const path = join(ctx.paths.root, named ?? join(containersDir(tctopRoot()), id), STATE_DIR_FILES.state);
    const s = among ? readJsonAmong(ctx, path, among) : readJson(ctx, path);
    return s === NONE_OF_THEM ? null : s ? fromState(id, s, '').name : undefined;
  },
  listStopped(ctx, runningIds): StoppedRecord[] {
    const dir = containersDir(tctopRoot());
    const out: StoppedRecord[] = [];
    for (const id of ctx.reader.list(join(ctx.paths.root, dir))) {
      if (runningIds.has(id) || !isFullId(id)) continue;
      const s = readFoldedState(ctx, join(dir, id));
      if (!s) continue;
      const run = readJson(ctx, join(ctx.paths.root, dir, id, STATE_DIR_FILES.run), true);
      const m = fromState(id, s, join(ctx.paths.root, dir, id), run);
      // state says running, no exit record and no process is there: the shim died; say so rather than pretend (or it
      // waits to restart the init under its restart policy, as docker's "restarting")
      const state = m.status === 'running' ? (run?.restarting === true ? 'restarting' : 'shim-dead') : m.status;
      out.push({
        runtime: 'tctop',
        id,
        name: m.name,
        image: m.image,
        state,
        labels: m.labels,
        createdAt: m.createdAt,
        startedAt: m.startedAt,
        extra: m.extra,
      });
    }
    return out;
  },
});
