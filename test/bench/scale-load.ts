// The scale bench's load: tctop's own containers (a private TCTOP_ROOT, `--network none`), Docker containers
// (`--pull never --network none`), each running two processes, and plain host sleepers topping the host up to a
// process count. Everything carries this run's PID (root directory, names, a docker label), so parallel benches
// never remove each other's load, and a run that died is swept by the next one. Every sleeper and container is
// bounded in time too (sleep 7200): a leak that escapes every cleanup still ends.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TEST_IMAGE } from '../helpers/docker.js';

const TCTOP = resolve('bin/tctop');
const TWO_PROCESSES = ['sh', '-c', 'sleep 7200 & exec sleep 7200'];
const PID_LABEL = 'tctop-scale-pid';
const ROOT_PREFIX = 'tctop-scale-';
/** PIDs left free for everyone else on the machine when the load is at its largest. */
const PID_MARGIN = 2500;
/** Tasks (threads included) one container adds: tctop's shim + 2; docker's containerd-shim and its threads + 2. */
const TASKS_PER_TCTOP = 3;
const TASKS_PER_DOCKER = 16;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
};

/** Processes on the host (numeric entries of /proc). */
export function hostProcessCount(): number {
  let n = 0;
  for (const e of readdirSync('/proc')) if (e.charCodeAt(0) >= 48 && e.charCodeAt(0) <= 57) n++;
  return n;
}

/** Tasks (threads included: each takes a PID) on the host, from /proc/loadavg. */
function hostTaskCount(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[3].split('/')[1]);
}

export const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** One command's stdout, trimmed; a failure says its stderr. */
function runAsync(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise<string>((res, rej) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let so = '';
    let se = '';
    p.stdout.on('data', (d: Buffer) => (so += d));
    p.stderr.on('data', (d: Buffer) => (se += d));
    p.on('error', rej);
    p.on('close', (code) =>
      code === 0 ? res(so.trim()) : rej(new Error(`${cmd} ${args.slice(0, 4).join(' ')} exited ${code}: ${se.trim()}`)),
    );
  });
}

/** Creates that lost the race for the engine's name lock to another create made nothing: they are tried again. */
const LOCK_LOST = /is locked by another tctop process/;

/**
 * Runs `argv` for each item, `parallel` at a time; the items' stdout, in order. After a failure no new command
 * starts, and the failure is thrown once those running have ended (so a cleanup after it sees all they made).
 */
async function pooled<T>(items: T[], parallel: number, argv: (item: T) => [string, string[], NodeJS.ProcessEnv?]): Promise<string[]> {
  const out: string[] = new Array(items.length);
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < items.length && failure === undefined) {
      const i = next++;
      const [cmd, args, env] = argv(items[i]);
      for (let attempt = 1; ; attempt++) {
        try {
          out[i] = await runAsync(cmd, args, env ?? process.env);
          break;
        } catch (err) {
          if (attempt < 10 && LOCK_LOST.test(String(err))) {
            await new Promise((r) => setTimeout(r, 100 * attempt));
            continue;
          }
          failure ??= err;
          return;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  if (failure !== undefined) throw failure;
  return out;
}

/** `xargs -P`: remove in parallel, synchronously (also usable from a signal handler). */
function removeAll(ids: string[], argv: string[], env: NodeJS.ProcessEnv): void {
  if (ids.length === 0) return;
  spawnSync('xargs', ['-r', '-P', '6', '-n', '25', ...argv], { input: ids.join('\n'), stdio: ['pipe', 'ignore', 'ignore'], env });
}

/** Containers and roots of earlier runs whose process is gone (killed before it could clean up). */
function sweepDeadRuns(): void {
  for (const e of readdirSync(tmpdir())) {
    const m = new RegExp(`^${ROOT_PREFIX}(\\d+)-`).exec(e);
    if (!m || alive(Number(m[1]))) continue;
    const root = join(tmpdir(), e);
    let ids: string[] = [];
    try {
      ids = readdirSync(join(root, 'containers'));
    } catch {
      /* no containers made */
    }
    removeAll(ids, [TCTOP, 'rm', '-f'], { ...process.env, TCTOP_ROOT: root });
    rmSync(root, { recursive: true, force: true });
  }
  const r = spawnSync('docker', ['ps', '-aq', '--filter', `label=${PID_LABEL}`, '--format', `{{.ID}} {{.Label "${PID_LABEL}"}}`], {
    encoding: 'utf8',
  });
  const dead = (r.stdout ?? '')
    .split('\n')
    .map((l) => l.split(' '))
    .filter(([id, pid]) => id && !alive(Number(pid)))
    .map(([id]) => id);
  removeAll(dead, ['docker', 'rm', '-f'], process.env);
}

export interface LoadSize {
  tctop: number;
  docker: number;
}

export class ScaleLoad {
  readonly root: string;
  readonly tctopIds: string[] = [];
  readonly dockerIds: string[] = [];
  private readonly sleepers: Array<{ shell: ChildProcess; pids: number[] }> = [];
  private readonly env: NodeJS.ProcessEnv;
  /** Seconds spent building the load, by kind. */
  readonly setup = { tctop: 0, docker: 0, sleepers: 0 };

  constructor() {
    sweepDeadRuns();
    this.root = mkdtempSync(join(tmpdir(), `${ROOT_PREFIX}${process.pid}-`));
    this.env = { ...process.env, TCTOP_ROOT: this.root };
  }

  /** The image in the private root (docker save | tctop load), and the image present for docker (never pulled). */
  prepare(): void {
    if (spawnSync('docker', ['image', 'inspect', TEST_IMAGE], { stdio: 'ignore' }).status !== 0)
      throw new Error(`scale bench: docker image ${TEST_IMAGE} missing (bash test/prereqs.sh builds it)`);
    const archive = join(this.root, 'image.tar');
    const save = spawnSync('docker', ['save', '-o', archive, TEST_IMAGE], { stdio: 'ignore' });
    const load = spawnSync(TCTOP, ['load', '-q', '-i', archive], { stdio: 'ignore', env: this.env });
    rmSync(archive, { force: true });
    if (save.status !== 0 || load.status !== 0) throw new Error('scale bench: could not load the test image into its tctop root');
  }

  /** Fails, before spawning anything, when kernel.pid_max cannot hold the largest load asked for. */
  checkPidHeadroom(largest: LoadSize, hostProcesses: number): void {
    const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
    const tasks = hostTaskCount();
    const containerTasks =
      (largest.tctop - this.tctopIds.length) * TASKS_PER_TCTOP + (largest.docker - this.dockerIds.length) * TASKS_PER_DOCKER;
    const sleepers = Math.max(0, hostProcesses - hostProcessCount() - containerTasks);
    const needed = containerTasks + sleepers + PID_MARGIN;
    if (tasks + needed > pidMax)
      throw new Error(
        `scale bench: ${largest.tctop + largest.docker} containers and ${hostProcesses} host processes need about ${needed} more PIDs ` +
          `(${PID_MARGIN} of them a margin for others), but kernel.pid_max is ${pidMax} and ${tasks} tasks exist: ` +
          'free some, or raise kernel.pid_max',
      );
  }

  /** Start containers until the load holds `size` (it only grows). */
  async growTo(size: LoadSize): Promise<void> {
    const t0 = performance.now();
    const tctopNew = Array.from({ length: Math.max(0, size.tctop - this.tctopIds.length) }, (_, i) => this.tctopIds.length + i);
    const dockerNew = Array.from({ length: Math.max(0, size.docker - this.dockerIds.length) }, (_, i) => this.dockerIds.length + i);
    const tag = `${ROOT_PREFIX}${process.pid}`;
    const docker = pooled(dockerNew, 4, (i) => [
      'docker',
      [
        'run',
        '-d',
        '--pull',
        'never',
        '--network',
        'none',
        '--label',
        `${PID_LABEL}=${process.pid}`,
        '--name',
        `${tag}-d${i}`,
        TEST_IMAGE,
        ...TWO_PROCESSES,
      ],
    ]).then((ids) => {
      this.dockerIds.push(...ids);
      this.setup.docker += (performance.now() - t0) / 1000;
    });
    // each new container's ID is pushed as soon as it exists, so a failure half-way still cleans up what was made
    const tctop = pooled(tctopNew, 8, (i) => [
      TCTOP,
      ['run', '-d', '--network', 'none', '--name', `${tag}-t${i}`, TEST_IMAGE, ...TWO_PROCESSES],
      this.env,
    ]).then((ids) => {
      this.tctopIds.push(...ids);
      this.setup.tctop += (performance.now() - t0) / 1000;
    });
    const results = await Promise.allSettled([docker, tctop]);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  }

  /** Start or end sleepers until the host holds `target` processes (as far as our sleepers can move it). */
  async holdHostProcesses(target: number): Promise<void> {
    const t0 = performance.now();
    let missing = target - hostProcessCount();
    if (missing < 0) {
      for (const s of this.sleepers) {
        while (missing < 0 && s.pids.length) {
          try {
            process.kill(s.pids.pop()!, 'SIGKILL');
          } catch {
            /* gone */
          }
          missing++;
        }
      }
    }
    // a few shells fork them (far faster than one spawn() each), on both cores
    const shells: Array<Promise<void>> = [];
    while (missing > 0) {
      const n = Math.min(missing, 4000);
      missing -= n;
      shells.push(this.startSleepers(n));
    }
    await Promise.all(shells);
    this.setup.sleepers += (performance.now() - t0) / 1000;
  }

  private startSleepers(count: number): Promise<void> {
    // its own process group (detached), killed whole at the end; pdeathsig + the trap end it with us if we die
    const script = `trap 'kill -KILL 0' TERM; for i in $(seq ${count}); do /bin/busybox sleep 7200 & echo $!; done; echo done; wait`;
    const shell = spawn('setpriv', ['--pdeathsig', 'TERM', 'bash', '-c', script], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    const entry = { shell, pids: [] as number[] };
    this.sleepers.push(entry);
    return new Promise((res, rej) => {
      let buf = '';
      shell.on('exit', (code) => rej(new Error(`sleeper shell exited ${code}`)));
      shell.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) {
          if (l === 'done') res();
          else entry.pids.push(Number(l));
        }
      });
    });
  }

  /** Remove everything this load made; synchronous, so a signal handler can call it. */
  stop(): void {
    for (const s of this.sleepers.splice(0)) {
      try {
        process.kill(-s.shell.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    let ids: string[] = [];
    try {
      ids = readdirSync(join(this.root, 'containers')); // also those whose `run` was cut short
    } catch {
      /* none made */
    }
    removeAll(ids, [TCTOP, 'rm', '-f'], this.env);
    const docker = spawnSync('docker', ['ps', '-aq', '--filter', `label=${PID_LABEL}=${process.pid}`], { encoding: 'utf8' });
    removeAll((docker.stdout ?? '').split(/\s+/).filter(Boolean), ['docker', 'rm', '-f'], process.env);
    rmSync(this.root, { recursive: true, force: true });
    this.tctopIds.length = 0;
    this.dockerIds.length = 0;
  }
}
