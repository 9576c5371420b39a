// The lifecycle verbs, for the CLI to load in one import.
export { resolveContainer, listContainers } from './store.js';
export { startContainer } from './start.js';
export { stopContainer, killContainer } from './stop.js';
export { removeContainer } from './remove.js';
export { parseSignal } from './signals.js';
export { requireRoot } from './preflight.js';
export { waitForExit, shimAlive, ShimDeadError } from './exit-wait.js';
export { followLog } from './log-follow.js';
export { printLog } from './log-output.js';
export { execInContainer } from './exec.js';
export { readState } from './state.js';
export { bundlePath } from './paths.js';
export { attachRunning, startAttached } from './attach.js';
