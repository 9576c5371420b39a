// Dashboard cost: the real `tctop` in a real tmux at the default refresh (1 s) with 30 containers and 3000 extra
// processes, its CPU (% of one core, from /proc/<pid>/stat) and RSS over 20 s, against procps `top -d 1` in the
// same terminal under the same load.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchRow, BenchSuite } from './types.js';

const WINDOW_S = 20;
const WARMUP_MS = 4000;
const CLOCK_TICKS = 100;

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Runs `command` in a detached tmux pane (a real terminal), measures it over the window, then kills the server. */
async function measureInTmux(command: string[]): Promise<{ cpuPercent: number; rss: number; peak: number }> {
  const socket = `tctop-bench-${process.pid}`;
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  try {
    const r = tmux('new-session', '-d', '-x', '120', '-y', '40', ...command);
    if (r.status !== 0) throw new Error(`tmux: ${r.stderr}`);
    await sleep(WARMUP_MS);
    const pid = Number(tmux('display', '-p', '#{pane_pid}').stdout.trim());
    const t0 = cpuTicks(pid);
    const start = performance.now();
    await sleep(WINDOW_S * 1000);
    const ticks = cpuTicks(pid) - t0;
    const seconds = (performance.now() - start) / 1000;
    return { cpuPercent: (100 * ticks) / CLOCK_TICKS / seconds, rss: rssMiB(pid, 'VmRSS'), peak: rssMiB(pid, 'VmHWM') };
  } finally {
    tmux('kill-server');
  }
}

/** The same scans without a terminal (batch mode to /dev/null): how much of the dashboard's cost is the scanner's. */
async function measureBatch(): Promise<number> {
  const child = spawn(process.execPath, [resolve('bin/tctop'), 'top', '--batch', '-d', '1'], { stdio: 'ignore' });
  try {
    await sleep(WARMUP_MS);
    const t0 = cpuTicks(child.pid!);
    const start = performance.now();
    await sleep(WINDOW_S * 1000);
    return (100 * (cpuTicks(child.pid!) - t0)) / CLOCK_TICKS / ((performance.now() - start) / 1000);
  } finally {
    child.kill('SIGTERM');
  }
}

export const suite: BenchSuite = {
  name: 'tui',
  wants: { extraProcesses: 3000, dockerContainers: 30 },
  async run(load) {
    const scene = `${load.dockerIds.length} containers, ${load.extraPids.length} extra processes, refresh 1 s, ${WINDOW_S} s`;
    const ours = await measureInTmux([process.execPath, resolve('bin/tctop')]);
    const top = await measureInTmux(['top', '-d', '1']);
    const batch = await measureBatch();
    const rows: BenchRow[] = [
      { name: `dashboard CPU (% of one core), ${scene}`, value: ours.cpuPercent, unit: '%', peer: { name: 'top -d 1', value: top.cpuPercent }, target: 'value <= 3%', ok: ours.cpuPercent <= 3 },
      { name: `for scale: batch mode, same scans without a terminal (% of one core)`, value: batch, unit: '%', target: 'context: scan cost alone', ok: true },
      { name: `dashboard RSS after ${WINDOW_S} s (peak ${ours.peak.toFixed(1)} MiB)`, value: ours.rss, unit: 'MiB', target: 'value <= 150 MiB (peak too)', ok: ours.rss <= 150 && ours.peak <= 150 },
    ];
    return rows;
  },
};
