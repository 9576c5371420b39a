// Plain runc: no shim; state.json under runc's root dirs records the init PID and its start time.
import { join } from 'node:path';
import { underRoot } from '../../host/paths.js';
import { isoSeconds, memo, obj, readJson, str } from '../metadata.js';
import { defineAdapter, type Candidate, type Claim, type DiscoveryContext } from '../types.js';

/** Where runc keeps state when run by hand: the default root, and rootless runc's $XDG_RUNTIME_DIR/runc per user. */
function runcRoots(ctx: DiscoveryContext): string[] {
  const rootless = ctx.reader
    .list(underRoot(ctx.paths, '/run/user'))
    .filter((uid) => /^\d+$/.test(uid))
    .map((uid) => `/run/user/${uid}/runc`);
  return ['/run/runc', ...rootless];
}

interface RuncState {
  id: string;
  startTicks: number;
  bundle: string;
  created: number | null;
}

function runcStates(ctx: DiscoveryContext): Map<number, RuncState> {
  return memo(ctx, 'runc:states', () => {
    const byPid = new Map<number, RuncState>();
    for (const root of runcRoots(ctx)) {
      const dir = underRoot(ctx.paths, root);
      for (const id of ctx.reader.list(dir)) {
        const s = readJson(ctx, join(dir, id, 'state.json'));
        if (!s) continue;
        const labels = Array.isArray(obj(s.config).labels) ? (obj(s.config).labels as unknown[]) : [];
        const bundle =
          labels
            .map(String)
            .find((l) => l.startsWith('bundle='))
            ?.slice(7) ?? '';
        byPid.set(Number(s.init_process_pid), {
          id: str(s.id) ?? id,
          startTicks: Number(s.init_process_start),
          bundle,
          created: isoSeconds(s.created),
        });
      }
    }
    return byPid;
  });
}

export const runcAdapter = defineAdapter({
  runtime: 'runc',
  logSource: () => ({ unreadable: 'runc keeps no log: the output went to whoever started the container' }),
  stateDirs: () => [{ path: '/run/runc', depth: 0 }],
  actionHint: (a, c) => {
    const ref = c.name || c.id;
    return a === 'remove' ? `runc delete ${ref}` : `runc kill ${ref}${a === 'kill' ? ' KILL' : ''}`;
  },
  claim(c: Candidate, ctx: DiscoveryContext): Claim | null {
    const s = runcStates(ctx).get(c.init.hostPid);
    if (!s || s.startTicks !== c.init.startTicks) return null; // a reused PID is not the runc container
    return {
      runtime: 'runc',
      id: s.id,
      name: s.id,
      image: s.bundle,
      state: 'running',
      createdAt: s.created,
      parentIsShim: c.parent?.comm === 'runc',
      extra: { bundle: s.bundle },
    };
  },
});
