// Ending a one-shot command as soon as the event loop has nothing left to do, rather than through node's natural
// exit: that first runs the V8 tasks still queued, among them a scavenge V8 schedules once the young generation is
// 80% full, of a heap about to be thrown away (1-5 ms of a cached `build`, measured with --trace-gc: the second of
// its two scavenges ran after the image ID was printed), then tears the heap down (inspect at 1,000 containers:
// 8-12 ms idle after its output in a --cpu-prof, gone when it ends here). Ending here skips only that:
// 'exit' listeners still run (the code cache is written in one), stdout and stderr are written synchronously on
// Linux (files, pipes, terminals), and a command whose output went to process.stdout's buffer (stdout-direct.ts's
// full-pipe case), or that still has a handle, a request or a timer open, ends the natural way.
import { stdoutBuffered } from './stdout-direct.js';

/** Commands whose action's end is the command's end (nothing is left running on purpose). */
const ENDS_WHEN_IDLE = new Set(['build', 'inspect', 'ps', 'push', 'pull']);

export function endsWhenIdle(command: string | undefined): boolean {
  return command !== undefined && ENDS_WHEN_IDLE.has(command);
}

/**
 * Called once the command's action has finished. A tick runs once the microtask queue is drained (what was still
 * chained on the action's promise has run); if then no handle, request, timer or immediate is left, the loop would
 * end at once, and the process ends here instead (not on the loop's next turn: V8's queued tasks run there).
 */
export function endWhenIdle(): void {
  process.nextTick(() => {
    if (stdoutBuffered() || process.getActiveResourcesInfo().length > 0 || process.listenerCount('beforeExit') > 0) return;
    process.exit();
  });
}
