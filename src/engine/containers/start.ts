// start: spawn the shim, read its one line (`started <init pid> <shim pid>` or `error: ...`), record the PIDs with
// their start times. The shim daemonizes, so the CLI may exit (or die) while the container runs on.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { ConflictError, NativeError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import { cgroupPids, createContainerCgroup } from './cgroups.js';
import { linkName } from './name-link.js';
import { withContainerLock } from './locks.js';
import { bundlePath, containerDir } from './paths.js';
import { processStartTime } from './proc-identity.js';
import { requireRoot } from './preflight.js';
import { shimBinaryPath } from './shim-binary.js';
import { readRawState, readState, writeState, type ContainerState } from './state.js';
import { shimAlive } from './exit-wait.js';
import { runRecordPath } from './run-record.js';
import { endCgroupMigrationWarmup, warmCgroupMigrations } from './migration-warmup.js';

const START_TIMEOUT_MS = 30_000;

interface ShimStarted {
  pid: number;
  shimPid: number;
}

/** The shim's answer once the init has exec'd: a line "started <init pid> <shim pid>". */
function startedLine(text: string): ShimStarted | null {
  const m = /^started (\d+) (\d+)$/m.exec(text);
  return m ? { pid: Number(m[1]), shimPid: Number(m[2]) } : null;
}

function runShim(shim: string, id: string, dir: string, attach: boolean, owned: boolean): Promise<ShimStarted> {
  return new Promise((resolve, reject) => {
    const args = ['--id', id, '--state', dir, ...(attach ? ['--attach'] : []), ...(owned ? ['--owner', String(process.pid)] : [])];
    const child = spawn(shim, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let settled = false;
    // the shim answers once the init has exec'd; a setup stuck in the kernel must not hang the CLI forever
    const timer = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      // its whole answer line is the container started: no need to wait for the shim's own exit (~2 ms)
      const started = startedLine(out.slice(0, out.lastIndexOf('\n') + 1)); // complete lines only
      if (started) settle(() => resolve(started));
    });
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', (e) => settle(() => reject(new NativeError(`cannot run the shim ${shim}: ${e.message}`))));
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL' && !out)
        return settle(() =>
          reject(
            new NativeError(`container ${id.slice(0, 12)} did not start within ${START_TIMEOUT_MS / 1000} s (remove it with tctop rm -f)`),
          ),
        );
      const started = startedLine(out);
      if (code === 0 && started) return settle(() => resolve(started));
      const why = (out + err).split('\n').find((l) => l.trim()) ?? `exit ${code ?? signal}`;
      settle(() => reject(new NativeError(`container ${id.slice(0, 12)} failed to start: ${cell(why.replace(/^error: /, ''), 500)}`)));
    });
  });
}

/** Starts a created or exited container; a running one is left as it is (as docker start). */
/** attach: a client attaches right after (run -i/-t, start -a): the shim keeps the output until it comes.
 * owned: the container dies with this process, however it ends (the shim watches it: a build's RUN step). */
export async function startContainer(
  root: string,
  id: string,
  opts: { freshlyCreated?: boolean; attach?: boolean; owned?: boolean } = {},
): Promise<ContainerState> {
  requireRoot();
  const shim = shimBinaryPath();
  return withContainerLock(root, id, async () => {
    const state = readState(root, id);
    if (!state) throw new ConflictError(`container ${id.slice(0, 12)} was removed`);
    if (state.status === 'running') {
      if (shimAlive(state)) return state;
      throw new ConflictError(
        `container ${state.name} is marked running but its shim (PID ${state.shimPid}) is gone: remove it with tctop rm -f`,
      );
    }
    // a CLI killed between spawning the shim and recording it leaves a "created" container that runs: never twice
    if (!opts.freshlyCreated && cgroupPids(id).length > 0)
      throw new ConflictError(
        `container ${state.name} has processes running although its state says ${state.status}: remove it with tctop rm -f`,
      );
    // the last run's exit record goes; its fold is kept first, so no reader sees the old run as running meanwhile
    if (state.status === 'exited' && readRawState(root, id)?.status === 'running') writeState(root, state);
    await rm(bundlePath(root, id, 'exit'), { force: true });
    await rm(runRecordPath(root, id), { force: true }); // the last run's restart count starts over, as docker's

    // a restart after a reboot (or a cgroup removed by hand) gets its cgroup back, with the same limits
    if (!opts.freshlyCreated) {
      createContainerCgroup(id, state.config.limits);
      linkName(id, state.name); // /run is emptied at boot too
    }
    warmCgroupMigrations(); // the shim's join of the init's cgroups will not wait (migration-warmup.ts)
    const started = await runShim(shim, id, containerDir(root, id), opts.attach === true, opts.owned === true).finally(
      endCgroupMigrationWarmup,
    );
    const next: ContainerState = {
      ...state,
      status: 'running',
      pid: started.pid,
      pidStartTime: processStartTime(started.pid),
      shimPid: started.shimPid,
      shimStartTime: processStartTime(started.shimPid),
      startedAt: new Date().toISOString(),
      finishedAt: null,
      exitCode: null,
      exitSignal: null,
      oomKilled: false,
      restartCount: 0,
      restarting: false,
    };
    writeState(root, next);
    return next;
  });
}
