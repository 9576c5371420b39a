// The exporter over time (issue 15), run only when named (`npm run bench -- scale-soak`: the scale suite, then
// ~10 min more on its last load): `tctop serve --max-age 0` scraped once a second for 10 minutes (TCTOP_BENCH_SOAK_SECONDS),
// its RSS and open descriptors sampled every 5 s. Flat means the last two minutes' median RSS is within 5 MiB of the
// median of minutes 1-3 (the first minute is warm-up: V8's heap finds its size).
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServe } from './exporter.js';
import { runScale } from './scale.js';
import { hostProcessCount, loadAverage } from './scale-load.js';
import { percentile } from './scale-measure.js';
import { rssMiB } from './tui.js';
import { median, type BenchRow, type BenchSuite } from './types.js';

async function soak(containers: number): Promise<BenchRow[]> {
  const seconds = Number(process.env.TCTOP_BENCH_SOAK_SECONDS ?? 600);
  {
    const { child, base } = await startServe(['--max-age', '0']);
    try {
      const pid = child.pid!;
      const samples: Array<{ t: number; rss: number; fds: number }> = [];
      const latencies: number[] = [];
      let failures = 0;
      const t0 = performance.now();
      let next = t0;
      while (performance.now() - t0 < seconds * 1000) {
        const s0 = performance.now();
        const res = await fetch(`${base}/metrics`).catch(() => undefined);
        if (!res?.ok) failures++;
        await res?.text();
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
      const window = (from: number, to: number) => samples.filter((s) => s.t >= from && s.t < to).map((s) => s.rss);
      const early = median(window(60, 180));
      const late = median(window(seconds - 120, seconds + 1));
      const peak = rssMiB(pid, 'VmHWM');
      const maxFds = Math.max(...samples.map((s) => s.fds));
      latencies.sort((a, b) => a - b);
      const at = `${containers} containers, ${hostProcessCount()} host processes, ${latencies.length} scrapes over ${seconds} s, load avg ${loadAverage()}`;
      return [
        {
          name: `exporter RSS growth: median of the last 2 min (${late.toFixed(1)} MiB) minus minutes 1-3 (${early.toFixed(1)} MiB), ${at}`,
          value: late - early,
          unit: 'MiB',
          target: 'value <= 5 MiB (flat)',
          ok: late - early <= 5,
        },
        { name: `exporter peak RSS over the soak, ${at}`, value: peak, unit: 'MiB', target: 'value <= 150 MiB', ok: peak <= 150 },
        {
          name: `exporter open descriptors, most seen, ${at}`,
          value: maxFds,
          unit: 'n',
          target: 'context: bounded by the fd budget',
          ok: true,
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
}

export const suite: BenchSuite = {
  name: 'scale-soak',
  wants: { extraProcesses: 0, dockerContainers: 0 },
  run: () => runScale(soak),
};
