// Runtimes write their state directories when a container starts or stops; watching them (shallow, only those
// that exist) lets the dashboard rescan at once instead of waiting for the next tick. Which directories: each
// runtime's adapter says (discovery/adapters, `stateDirs`).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RUNTIMES } from '../discovery/adapters/index.js';
import { compareText } from '../text/compare.js';

/** The state directories that exist under the host root `root`, by runtime. */
export function stateDirectories(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
): Array<{ path: string; depth: number; runtime: string }> {
  const dirs = RUNTIMES.flatMap((r) =>
    (r.stateDirs?.(env) ?? []).map((d) => ({ path: join(root, d.path), depth: d.depth, runtime: r.runtime })),
  );
  return dirs.filter((d) => existsSync(d.path)).sort((a, b) => compareText(a.runtime, b.runtime)); // stable: a runtime's own order kept
}

export interface StateWatcher {
  close(): Promise<void>;
}

/**
 * Bursts of changes become one call: after `quietMs` without a change (a container start touches several entries
 * over a few hundred ms; scanning in the middle would catch its processes half made), but no later than `maxWaitMs`
 * after the first, and never twice within `gapMs`, so a host where containers come and go all day cannot turn the
 * dashboard into a scan loop.
 */
export function coalesce(
  fn: () => void,
  { quietMs = 150, maxWaitMs = 500, gapMs = 500 }: { quietMs?: number; maxWaitMs?: number; gapMs?: number } = {},
  now: () => number = Date.now,
): { call: () => void; cancel: () => void } {
  let lastFire = -Infinity;
  let firstPending: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    timer = undefined;
    firstPending = undefined;
    lastFire = now();
    fn();
  };
  return {
    call() {
      const t = now();
      firstPending ??= t;
      if (timer) clearTimeout(timer);
      const at = Math.max(Math.min(t + quietMs, firstPending + maxWaitMs), lastFire + gapMs);
      timer = setTimeout(fire, Math.max(0, at - t));
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      firstPending = undefined;
    },
  };
}

/** Calls `changed` (coalesced) whenever an entry in a state directory comes or goes; resolves when watching. */
export async function watchStateDirectories(root: string, changed: () => void): Promise<StateWatcher> {
  const { watch } = await import('chokidar');
  const coalesced = coalesce(changed);
  const watchers = stateDirectories(root).map(({ path, depth }) => {
    const w = watch(path, { depth, ignoreInitial: true, persistent: true, followSymlinks: false });
    w.on('all', coalesced.call);
    w.on('error', () => undefined); // a directory removed under us only means no more events from it
    return w;
  });
  // resolve once every watcher has read its directory: changes from then on are seen
  await Promise.all(watchers.map((w) => new Promise<void>((resolve) => w.once('ready', () => resolve()))));
  return {
    close: async () => {
      coalesced.cancel();
      await Promise.all(watchers.map((w) => w.close()));
    },
  };
}
