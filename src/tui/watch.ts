// Runtimes write their state directories when a container starts or stops; watching them (shallow, only those
// that exist) lets the dashboard rescan at once instead of waiting for the next tick.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function stateDirectories(root: string, env: NodeJS.ProcessEnv = process.env): Array<{ path: string; depth: number; runtime: string }> {
  const under = (p: string) => join(root, p);
  const dirs = [
    { path: under('/var/lib/docker/containers'), depth: 0, runtime: 'docker' },
    { path: under('/run/docker/runtime-runc'), depth: 1, runtime: 'docker' },
    { path: under('/run/containerd/io.containerd.runtime.v2.task'), depth: 1, runtime: 'containerd' },
    { path: under('/run/runc'), depth: 0, runtime: 'runc' },
    { path: under('/var/lib/lxc'), depth: 0, runtime: 'lxc' },
    { path: under('/run/lxc'), depth: 0, runtime: 'lxc' },
    { path: under('/run/systemd/machines'), depth: 0, runtime: 'nspawn' },
    { path: join(env.TCTOP_ROOT ?? '/var/lib/tctop', 'containers'), depth: 1, runtime: 'tctop' },
  ];
  return dirs.filter((d) => existsSync(d.path));
}

export interface StateWatcher {
  close(): Promise<void>;
}

/**
 * At most one call per `gapMs`: the first change acts at once, a burst after it yields one trailing call. A busy
 * node (a CI runner starting containers all day) must not turn the dashboard into a scan loop.
 */
export function throttle(fn: () => void, gapMs: number, now: () => number = Date.now): { call: () => void; cancel: () => void } {
  let last = -Infinity;
  let trailing: NodeJS.Timeout | undefined;
  const fire = () => {
    trailing = undefined;
    last = now();
    fn();
  };
  return {
    call() {
      if (trailing) return;
      const wait = last + gapMs - now();
      if (wait <= 0) fire();
      else trailing = setTimeout(fire, wait);
    },
    cancel() {
      if (trailing) clearTimeout(trailing);
      trailing = undefined;
    },
  };
}

/** Calls `changed` (throttled) whenever an entry in a state directory comes or goes. */
export async function watchStateDirectories(root: string, changed: () => void, gapMs = 500): Promise<StateWatcher> {
  const { watch } = await import('chokidar');
  const throttled = throttle(changed, gapMs);
  const watchers = stateDirectories(root).map(({ path, depth }) => {
    const w = watch(path, { depth, ignoreInitial: true, persistent: true, followSymlinks: false });
    w.on('all', throttled.call);
    w.on('error', () => undefined); // a directory removed under us only means no more events from it
    return w;
  });
  return {
    close: async () => {
      throttled.cancel();
      await Promise.all(watchers.map((w) => w.close()));
    },
  };
}
