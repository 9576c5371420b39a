// Exporter targets: /metrics p99 latency under 8 concurrent clients vs `docker stats --no-stream`; exporter RSS;
// scrape cost (scan + render) should follow containers, not processes: measured before and after 3000 more processes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { COLLECTORS } from '../../src/exporter/families/index.js';
import { MetricsRenderer } from '../../src/exporter/renderer.js';
import { FreshSnapshots } from '../../src/exporter/snapshots.js';
import { HostScanner } from '../../src/snapshot/scanner.js';
import { medianMs, type BenchRow, type BenchSuite } from './types.js';

const CLIENTS = 8;
const REQUESTS_PER_CLIENT = 40;
const MORE_PROCESSES = 3000;

export async function startServe(extraArgs: string[] = []): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn('bin/tctop', ['serve', '--listen', '127.0.0.1:0', ...extraArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /serving http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(err);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`tctop serve exited ${code}: ${err}`)));
  });
  return { child, base: `http://127.0.0.1:${port}` };
}

/** 8 clients scraping back to back; every request's latency. */
async function concurrentLatencies(url: string): Promise<number[]> {
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = 0; i < REQUESTS_PER_CLIENT; i++) {
        const t0 = performance.now();
        const res = await fetch(url);
        await res.text();
        if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return latencies.sort((a, b) => a - b);
}

function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

function startSleepers(count: number): Promise<ChildProcess> {
  const shell = spawn('bash', ['-c', `for i in $(seq ${count}); do /bin/busybox sleep 3600 & done; echo ready; wait`], {
    stdio: ['ignore', 'pipe', 'ignore'],
    detached: true,
  });
  return new Promise((resolve) => shell.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(shell)));
}

async function scrapeCostMs(): Promise<number> {
  const renderer = new MetricsRenderer(
    new FreshSnapshots(new HostScanner(), 0),
    COLLECTORS.filter((c) => c.enabledByDefault),
  );
  await renderer.render('prometheus'); // first scan reads everything; steady state is what a scrape costs
  return medianMs(15, () => renderer.render('prometheus'));
}

export const suite: BenchSuite = {
  name: 'exporter',
  wants: { extraProcesses: 3000, dockerContainers: 40 },
  async run(load) {
    const rows: BenchRow[] = [];
    const dockerStats = await medianMs(3, () => spawnSync('docker', ['stats', '--no-stream'], { stdio: 'ignore' }));

    const { child, base } = await startServe();
    try {
      await (await fetch(`${base}/metrics`)).text();
      const lat = await concurrentLatencies(`${base}/metrics`);
      const p99 = lat[Math.min(lat.length - 1, Math.ceil(lat.length * 0.99) - 1)];
      const p50 = lat[Math.floor(lat.length / 2)];
      rows.push({
        name: `/metrics p99 latency, ${CLIENTS} concurrent clients x ${REQUESTS_PER_CLIENT} (p50 ${p50.toFixed(1)} ms), ${load.dockerIds.length} containers`,
        value: p99,
        unit: 'ms',
        peer: { name: 'docker stats --no-stream', value: dockerStats },
        target: 'ratio <= 0.05',
        ok: p99 / dockerStats <= 0.05,
      });
      const hwm = statusKiB(child.pid!, 'VmHWM') / 1024;
      rows.push({
        name: `exporter peak RSS after ${lat.length + 1} scrapes`,
        value: hwm,
        unit: 'MiB',
        target: 'value <= 150 MiB',
        ok: hwm <= 150,
      });
    } finally {
      child.kill('SIGTERM');
    }

    const before = await scrapeCostMs();
    const sleepers = await startSleepers(MORE_PROCESSES);
    try {
      const after = await scrapeCostMs();
      rows.push({
        name: `scrape cost (scan + render) with ${MORE_PROCESSES} more processes, same containers`,
        value: after,
        unit: 'ms',
        peer: { name: `scrape cost with the base load (${load.extraPids.length} extra processes)`, value: before },
        target: 'ratio <= 1.5 (grows with containers, not processes)',
        ok: after / before <= 1.5,
      });
    } finally {
      try {
        process.kill(-sleepers.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    return rows;
  },
};
