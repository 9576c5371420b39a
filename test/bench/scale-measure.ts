// What the scale bench measures at one load: /metrics with a fresh scan per scrape (latency, body, whether concurrent
// scrapes share a scan), the exporter's memory and descriptors, an in-process refresh, and the one-shot commands
// and the dashboard against their peers.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultMaxOpen } from '../../src/host/fd-budget.js';
import { HostScanner } from '../../src/snapshot/scanner.js';
import { startServe } from './exporter.js';
import { cpuOver, rssMiB, startInTmux } from './tui.js';
import { interleaved, median } from './types.js';

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))];

const scanStamp = (body: string) => /^tctop_scan_timestamp_seconds (\S+)$/m.exec(body)?.[1];

export interface ExporterFigures {
  latencies: number[];
  p50: number;
  p99: number;
  series: number;
  bodyBytes: number;
  /** Distinct scans behind `concurrent` simultaneous scrapes, in each round. */
  scansPerConcurrentRound: number[];
  concurrent: number;
  rssMiB: number;
  peakMiB: number;
  fds: number;
  fdBudget: number;
  scanSecondsP50: number;
  /** The exporter's own CPU time per sequential scrape (utime + stime): what the machine's load does not inflate. */
  cpuMsPerScrape: number;
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

/**
 * One GET of /metrics, timed until its last byte arrived, the body kept as raw bytes. A client that decodes 10 MB
 * into a string as it reads (fetch's text()) spends 40-90 ms of this 2-core machine's CPU beside the exporter and
 * inside the figure; Prometheus reads the bytes and parses them after, so the figure is the server's and the wire's.
 */
function scrape(url: string): Promise<{ ms: number; body: Buffer }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 30_000, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const ms = performance.now() - t0;
        if (res.statusCode !== 200) reject(new Error(`/metrics answered ${res.statusCode}`));
        else resolve({ ms, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('/metrics did not answer in 30 s')));
    req.on('error', reject);
  });
}

/** `tctop serve --max-age 0`: every scrape a fresh scan; `scrapes` sequential scrapes `pauseMs` apart. */
export async function measureExporter(scrapes: number, pauseMs = 250, concurrent = 8): Promise<ExporterFigures> {
  const { child, base } = await startServe(['--max-age', '0']);
  const url = `${base}/metrics`;
  try {
    const get = async () => {
      const r = await scrape(url);
      return { ms: r.ms, body: r.body.toString('utf8') };
    };
    for (let i = 0; i < 3; i++) await get(); // the first scans read everything; steady state is what a scrape costs
    const latencies: number[] = [];
    const scanSeconds: number[] = [];
    let last = '';
    const ticks0 = cpuTicks(child.pid!);
    for (let i = 0; i < scrapes; i++) {
      const r = await get();
      latencies.push(r.ms);
      scanSeconds.push(Number(/^tctop_scan_duration_seconds (\S+)$/m.exec(r.body)?.[1]));
      last = r.body;
      await sleep(pauseMs);
    }
    const cpuMsPerScrape = ((cpuTicks(child.pid!) - ticks0) * 10) / scrapes; // 100 ticks a second
    const rounds: number[] = [];
    for (let i = 0; i < 3; i++) {
      const bodies = await Promise.all(Array.from({ length: concurrent }, () => get()));
      rounds.push(new Set(bodies.map((b) => scanStamp(b.body))).size);
      await sleep(pauseMs);
    }
    latencies.sort((a, b) => a - b);
    const pid = child.pid!;
    return {
      latencies,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      series: last.split('\n').filter((l) => l && !l.startsWith('#')).length,
      bodyBytes: Buffer.byteLength(last),
      scansPerConcurrentRound: rounds,
      concurrent,
      rssMiB: rssMiB(pid, 'VmRSS'),
      peakMiB: rssMiB(pid, 'VmHWM'),
      fds: readdirSync(`/proc/${pid}/fd`).length,
      fdBudget: defaultMaxOpen(readFileSync(`/proc/${pid}/limits`, 'utf8')),
      scanSecondsP50: median(scanSeconds),
      cpuMsPerScrape,
    };
  } finally {
    child.kill('SIGTERM');
  }
}

/** A long-running scanner in this process: the median of `runs` back-to-back refreshes, in milliseconds. */
export function inProcessRefreshMs(runs = 30): number {
  const scanner = new HostScanner();
  try {
    scanner.scan();
    scanner.scan();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      scanner.scan();
      times.push(performance.now() - t0);
    }
    return median(times);
  } finally {
    scanner.close();
  }
}

const runQuiet = (cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) => {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 256 << 20, env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
};

/** `tctop ps --json` against ps(1) with the namespace and cgroup columns, interleaved; [ps, ours] medians (ms). */
export async function psAgainstProcps(runs = 5): Promise<[number, number]> {
  runQuiet('bin/tctop', ['ps', '--json']); // its code cache (a user's second run onwards)
  return interleaved(
    runs,
    () => runQuiet('ps', ['-e', '-o', 'pid,ppid,pidns,mntns,netns,cgroup,comm']),
    () => runQuiet('bin/tctop', ['ps', '--json']),
  );
}

/** `tctop inspect --json` of Docker containers against a `docker top` loop over them; [loop, ours] medians (ms). */
export async function inspectAgainstDockerTop(ids: string[], runs = 5): Promise<[number, number]> {
  const short = ids.map((id) => id.slice(0, 12));
  runQuiet('bin/tctop', ['inspect', '--json', ...short]);
  return interleaved(
    runs,
    () => short.forEach((id) => runQuiet('docker', ['top', id])),
    () => runQuiet('bin/tctop', ['inspect', '--json', ...short]),
  );
}

export interface DashboardFigures {
  cpuPercent: number;
  rssMiB: number;
  peakMiB: number;
  shown: number;
}

/**
 * The real dashboard in a real tmux at its default refresh (1 s): CPU (% of one core, its own and its helpers') and
 * RSS over `seconds`.
 */
export async function measureDashboard(seconds = 20, warmupMs = 5000): Promise<DashboardFigures> {
  const ours = startInTmux('scale-tctop', [resolve('bin/tctop')]);
  try {
    await sleep(warmupMs);
    const pid = ours.pid();
    // the helpers it starts (tctop-pidns --every makes the full pass between scans) count: they end within the window
    const [cpuPercent] = await cpuOver([pid], seconds, true);
    return {
      cpuPercent,
      rssMiB: rssMiB(pid, 'VmRSS'),
      peakMiB: rssMiB(pid, 'VmHWM'),
      shown: Number(/containers (\d+)/.exec(ours.screen())?.[1] ?? Number.NaN),
    };
  } finally {
    ours.stop();
  }
}
