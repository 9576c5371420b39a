// Contract between the bench harness (main.ts) and the suites: one file per area, each exporting `suite`.
import { spawnSync } from 'node:child_process';

export interface BenchLoad {
  /** Host PIDs of the extra idle processes the harness started. */
  extraPids: number[];
  /** Full IDs of the Docker containers the harness started (busybox, `sleep`), labelled tctop-bench=<the bench's PID>. */
  dockerIds: string[];
}

export interface BenchRow {
  /** What was measured, e.g. 'tctop ps --json (cold)'. */
  name: string;
  /** tctop's figure and its unit. */
  value: number;
  unit: 'ms' | 'MiB' | '%' | 's' | 'n';
  /** The peer measured in the same run, if any. */
  peer?: { name: string; value: number };
  /** The target, e.g. 'ratio <= 0.5' or 'value < 10'; `ok` says whether this run met it. */
  target: string;
  ok: boolean;
}

export interface BenchSuite {
  name: string;
  /** How many extra processes and docker containers this suite wants; the harness provides the maximum asked. */
  wants: { extraProcesses: number; dockerContainers: number };
  run(load: BenchLoad): Promise<BenchRow[]>;
}

/** Median of a few timed runs of an async or sync function, in milliseconds. */
export async function medianMs(runs: number, fn: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * a and b alternately, `runs` times each, with a pause between, so drift in the machine's speed hits both sides
 * alike and neither pays for what the other leaves running; the medians, in milliseconds.
 */
export async function interleaved(runs: number, a: () => unknown, b: () => unknown, pauseMs = 150): Promise<[number, number]> {
  const [as, bs] = [[] as number[], [] as number[]];
  for (let i = 0; i < runs; i++) {
    as.push(await medianMs(1, a));
    await new Promise((r) => setTimeout(r, pauseMs));
    bs.push(await medianMs(1, b));
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  const mid = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return [mid(as), mid(bs)];
}

/** Runs a command to completion, insisting on exit 0; its stdout. */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Wall time of one synchronous call, in milliseconds. */
export function timed(fn: () => unknown): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A pause between runs: what one command leaves running when it returns (dockerd's and containerd's teardown of a
 * container, the kernel's of a network namespace) must not land on the next one's time. */
export const settle = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);

const interruptCleanups = new Set<() => void>();

/** Run `fn` (synchronous) if the bench is interrupted (SIGINT/SIGTERM) before the returned dispose is called. */
export function atInterrupt(fn: () => void): () => void {
  interruptCleanups.add(fn);
  return () => interruptCleanups.delete(fn);
}

/** What main.ts calls on SIGINT/SIGTERM, before the harness's own load goes. */
export function runInterruptCleanups(): void {
  for (const fn of [...interruptCleanups].reverse()) {
    try {
      fn();
    } catch (err) {
      console.error(err);
    }
  }
  interruptCleanups.clear();
}
