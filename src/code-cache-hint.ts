// What a command tells the launcher's V8 code cache (src/cli/launch.ts) about its run: that it took a slow path (a
// build step that missed its cache), so what this run compiled is not what the next runs will need. The cache is
// made by a command's first run, and holds every function that run compiled: a first `build` from nothing compiles
// tar, the layer store and the commit path, and the fully cached rebuilds after it, start-up bound, then paid ~2.7 ms
// a start (task-clock, medians of 60) deserializing a 450 KB cache instead of a 250 KB one. A slow run still writes
// a cache when there is none (a cold build gains from it too); the next run that takes no slow path drops it, and
// the one after writes its own (V8 writes back what it read: the run that reads a slow cache cannot make a lean one).
// A global symbol, not module state: the launcher and the command's bundle each hold their own copy of this module.
const SLOW_PATH = Symbol.for('tctop.code-cache.slow-path');

type Marked = { [SLOW_PATH]?: true };

export function tookSlowPath(): void {
  (globalThis as Marked)[SLOW_PATH] = true;
}

export function ranSlowPath(): boolean {
  return (globalThis as Marked)[SLOW_PATH] === true;
}
