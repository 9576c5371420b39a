// Development aid: the scale bench's exporter and refresh figures against a load that already runs (one built by
// scale-hold.js, or a real host), without building one: `node dist/test/bench/scale-live.js [scrapes] [refreshes]`.
// Prints one JSON line, with the load average before, between and after. `scale-live.js soak [seconds]`: the soak's
// rows instead (a scrape a second, RSS and descriptors over time); `TCTOP_BENCH_LIVE_CONTAINERS` names the load's size.
import { readFileSync } from 'node:fs';
import { inProcessRefreshMs, measureExporter } from './scale-measure.js';
import { soak } from './scale-soak.js';

if (process.argv[2] === 'soak') {
  for (const r of await soak(Number(process.env.TCTOP_BENCH_LIVE_CONTAINERS ?? 1000), Number(process.argv[3] ?? 600)))
    console.log(`${r.ok ? 'PASS' : 'MISS'}  ${r.name}: ${r.value.toFixed(1)} ${r.unit}  (target ${r.target})`);
  process.exit(0);
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const scrapes = Number(process.argv[2] ?? 40);
const refreshes = Number(process.argv[3] ?? 20);
const before = load();
const e = await measureExporter(scrapes, 250, 8);
const between = load();
const refreshMs = refreshes > 0 ? inProcessRefreshMs(refreshes) : undefined;
console.log(
  JSON.stringify({
    load: [before, between, load()],
    p50: Math.round(e.p50),
    p99: Math.round(e.p99),
    scanP50ms: Math.round(e.scanSecondsP50 * 1000),
    cpuMsPerScrape: e.cpuMsPerScrape,
    series: e.series,
    bodyMB: +(e.bodyBytes / 1e6).toFixed(2),
    rssMiB: e.rssMiB,
    peakMiB: e.peakMiB,
    fds: e.fds,
    fdBudget: e.fdBudget,
    scansPerConcurrentRound: e.scansPerConcurrentRound,
    refreshMs: refreshMs === undefined ? undefined : +refreshMs.toFixed(1),
  }),
);
