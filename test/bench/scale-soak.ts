// The exporter over time (issue 15), on the scale suite's last load: `tctop serve --max-age 0` scraped once a second
// for 10 minutes (TCTOP_BENCH_SOAK_SECONDS shortens it, at least 60), its RSS and open descriptors sampled every 5 s.
// Flat means the median RSS of the last fifth is within 5 MiB of the median of the second and third tenths (the first
// tenth is warm-up: V8's heap finds its size). Bounded: one scrape a second at most, each given 10 s.
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultMaxOpen } from '../../src/host/fd-budget.js';
import { startServe } from './exporter.js';
import { hostProcessCount, loadAverage } from './scale-load.js';
import { percentile } from './scale-measure.js';
import { rssMiB } from './tui.js';
import { median, type BenchRow } from './types.js';

export const soakSeconds = () => Math.max(60, Number(process.env.TCTOP_BENCH_SOAK_SECONDS ?? 600));

export async function soak(containers: number, seconds = soakSeconds()): Promise<BenchRow[]> {
  const { child, base } = await startServe(['--max-age', '0']);
  try {
    const pid = child.pid!;
    const samples: Array<{ t: number; rss: number; fds: number }> = [];
    const latencies: number[] = [];
    let failures = 0;
    const t0 = performance.now();
    let next = t0;
    for (let i = 0; i <= seconds && performance.now() - t0 < seconds * 1000; i++) {
      const s0 = performance.now();
      const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
      const body = await res?.text().catch(() => undefined);
      if (!res?.ok || body === undefined) failures++;
      latencies.push(performance.now() - s0);
      const t = (performance.now() - t0) / 1000;
      if (samples.length === 0 || t - samples[samples.length - 1].t >= 5) {
        samples.push({ t, rss: rssMiB(pid, 'VmRSS'), fds: readdirSync(`/proc/${pid}/fd`).length });
        if (samples.length % 12 === 0)
          console.log(
            `scale-soak: ${t.toFixed(0)} s  RSS ${samples[samples.length - 1].rss.toFixed(1)} MiB  fds ${samples[samples.length - 1].fds}  load avg ${loadAverage()}`,
          );
      }
      next += 1000;
      await sleep(Math.max(0, next - performance.now()));
    }
    const window = (from: number, to: number) => samples.filter((s) => s.t >= from * seconds && s.t < to * seconds).map((s) => s.rss);
    const early = median(window(0.1, 0.3));
    const late = median(window(0.8, 1.01));
    const peak = rssMiB(pid, 'VmHWM');
    const maxFds = Math.max(...samples.map((s) => s.fds));
    const budget = defaultMaxOpen(readFileSync(`/proc/${pid}/limits`, 'utf8'));
    latencies.sort((a, b) => a - b);
    const at = `${containers} containers, ${hostProcessCount()} host processes, ${latencies.length} scrapes over ${seconds} s, load avg ${loadAverage()}`;
    return [
      {
        name: `exporter RSS growth: median of the last fifth (${late.toFixed(1)} MiB) minus the 2nd-3rd tenths (${early.toFixed(1)} MiB), ${at}`,
        value: late - early,
        unit: 'MiB',
        target: 'value <= 5 MiB (flat)',
        ok: late - early <= 5,
      },
      { name: `exporter peak RSS over the soak, ${at}`, value: peak, unit: 'MiB', target: 'value <= 150 MiB', ok: peak <= 150 },
      {
        name: `exporter open descriptors, most seen (budget ${budget} kept files), ${at}`,
        value: maxFds,
        unit: 'n',
        target: 'value <= budget + 64, never one per host process',
        ok: maxFds <= budget + 64,
      },
      {
        name: `soak scrape latency p99 (p50 ${percentile(latencies, 0.5).toFixed(1)} ms), failed scrapes ${failures}, ${at}`,
        value: percentile(latencies, 0.99),
        unit: 'ms',
        target: 'value <= 150 ms, no failure',
        ok: percentile(latencies, 0.99) <= 150 && failures === 0,
      },
    ] satisfies BenchRow[];
  } finally {
    child.kill('SIGTERM');
  }
}
