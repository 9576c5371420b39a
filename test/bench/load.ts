// The bench load: idle extra processes (busybox sleep, tiny) and busybox Docker containers, always torn down.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { BenchLoad } from './types.js';

// this run's PID in the label and the names: parallel benches never remove (or collide with) each other's load,
// and a run that died is known by its PID being gone
const LABEL_KEY = 'tctop-bench';
const LABEL = `${LABEL_KEY}=${process.pid}`;

export interface RunningLoad extends BenchLoad {
  stop(): void;
}

function startSleepers(count: number): { shell: ChildProcess | undefined; pids: Promise<number[]> } {
  if (count === 0) return { shell: undefined, pids: Promise.resolve([]) };
  // one shell forks them all (far faster than one spawn() each); it prints each PID, then waits
  const script = `for i in $(seq ${count}); do /bin/busybox sleep 86400 & echo $!; done; echo done; wait`;
  const shell = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  const pids = new Promise<number[]>((resolve) => {
    const out: number[] = [];
    let buf = '';
    shell.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        if (l === 'done') resolve(out);
        else out.push(Number(l));
      }
    });
  });
  return { shell, pids };
}

function dockerIdsWithLabel(): string[] {
  const r = spawnSync('docker', ['ps', '-aq', '--no-trunc', '--filter', `label=${LABEL}`], { encoding: 'utf8' });
  return r.stdout.trim().split(/\s+/).filter(Boolean);
}

/** Containers of earlier runs that died before cleaning up (their PID is gone). */
function dockerIdsOfDeadRuns(): string[] {
  const r = spawnSync(
    'docker',
    ['ps', '-aq', '--no-trunc', '--filter', `label=${LABEL_KEY}`, '--format', `{{.ID}} {{.Label "${LABEL_KEY}"}}`],
    {
      encoding: 'utf8',
    },
  );
  const alive = (pid: number) => {
    try {
      return process.kill(pid, 0);
    } catch (err) {
      return (err as NodeJS.ErrnoException).code !== 'ESRCH';
    }
  };
  return (r.stdout ?? '')
    .split('\n')
    .map((l) => l.split(' '))
    .filter(([id, pid]) => id && Number(pid) > 1 && !alive(Number(pid)))
    .map(([id]) => id);
}

export async function startLoad(extraProcesses: number, dockerContainers: number): Promise<RunningLoad> {
  const sleepers = startSleepers(extraProcesses);
  const stop = () => {
    if (sleepers.shell?.pid) {
      try {
        process.kill(-sleepers.shell.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    const ids = dockerIdsWithLabel();
    if (ids.length) spawnSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
  };
  try {
    return { ...(await startContainers(dockerContainers)), extraPids: await sleepers.pids, stop };
  } catch (err) {
    stop(); // a load that failed to start leaves nothing running
    throw err;
  }
}

async function startContainers(dockerContainers: number): Promise<{ dockerIds: string[] }> {
  const stale = dockerIdsOfDeadRuns();
  if (stale.length) spawnSync('docker', ['rm', '-f', ...stale], { stdio: 'ignore' });
  const dockerIds: string[] = [];
  const batch = 4;
  for (let i = 0; i < dockerContainers; i += batch) {
    const started = await Promise.all(
      Array.from(
        { length: Math.min(batch, dockerContainers - i) },
        (_, j) =>
          new Promise<string>((resolve, reject) => {
            const p = spawn('docker', [
              'run',
              '-d',
              '--label',
              LABEL,
              '--name',
              `tctop-bench-${process.pid}-${i + j}`,
              'tctop-test/busybox:latest',
              'sleep',
              '86400',
            ]);
            let out = '';
            let err = '';
            p.stdout.on('data', (d: Buffer) => (out += d));
            p.stderr.on('data', (d: Buffer) => (err += d));
            p.on('close', (code) =>
              code === 0
                ? resolve(out.trim())
                : reject(new Error(`docker run failed (${code}): ${err.trim()} (is dockerd running? bash test/prereqs.sh starts it)`)),
            );
          }),
      ),
    );
    dockerIds.push(...started);
  }
  return { dockerIds };
}
