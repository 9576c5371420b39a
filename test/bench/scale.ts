// Scale (issue 15): 1,000 containers (900 of tctop's own, 100 Docker ones, two processes each) and 20,000 host
// processes on this machine. The load is built here, in steps (the curve: 100, 300, 1,000 containers), with the
// host's process count held at the same total at every step, so the curve is the containers' cost alone. At each
// step: /metrics with a fresh scan per scrape (p50/p99, series, body), concurrent scrapes sharing one scan, the
// exporter's RSS and descriptors. At the last step also: an in-process refresh, `ps --json` against ps(1),
// `inspect --json` of 30 Docker containers against a `docker top` loop, the dashboard at its 1 s refresh, and the
// exporter's soak (scale-soak.ts: 10 minutes of a scrape a second, TCTOP_BENCH_SOAK_SECONDS to shorten it).
// TCTOP_BENCH_SCALE_STEPS=100,300 and TCTOP_BENCH_SCALE_PROCESSES=8000 make a smaller run for development.
import { ScaleLoad, hostProcessCount, loadAverage, type LoadSize } from './scale-load.js';
import {
  inProcessRefreshMs,
  inspectAgainstDockerTop,
  measureDashboard,
  measureExporter,
  psAgainstProcps,
  type ExporterFigures,
} from './scale-measure.js';
import { soak } from './scale-soak.js';
import { atInterrupt, type BenchRow, type BenchSuite } from './types.js';

/** Containers at each step of the curve; a tenth of them Docker's. */
export function scaleSteps(): number[] {
  const env = process.env.TCTOP_BENCH_SCALE_STEPS;
  const steps = env ? env.split(',').map(Number) : [100, 300, 1000];
  if (steps.some((n) => !Number.isInteger(n) || n < 10)) throw new Error(`TCTOP_BENCH_SCALE_STEPS: containers per step, e.g. 100,300,1000`);
  return steps;
}

export const scaleProcesses = () => Number(process.env.TCTOP_BENCH_SCALE_PROCESSES ?? 20_000);

export const sizeOf = (containers: number): LoadSize => ({
  docker: Math.round(containers / 10),
  tctop: containers - Math.round(containers / 10),
});

/** Builds the load to `containers` and `processes`, and says how long it took. */
export async function buildStep(load: ScaleLoad, containers: number, processes: number): Promise<void> {
  const t0 = performance.now();
  await load.growTo(sizeOf(containers));
  await load.holdHostProcesses(processes);
  await new Promise((r) => setTimeout(r, 3000)); // the runtimes' own settling (dockerd, containerd) off the figures
  const secs = (performance.now() - t0) / 1000;
  console.log(
    `scale: load at ${load.tctopIds.length} tctop + ${load.dockerIds.length} docker containers, ${hostProcessCount()} host processes, ` +
      `built in ${secs.toFixed(1)} s (tctop ${load.setup.tctop.toFixed(1)} s, docker ${load.setup.docker.toFixed(1)} s, sleepers ${load.setup.sleepers.toFixed(1)} s cumulative); load avg ${loadAverage()}`,
  );
}

/** Starts a load with its cleanup on interrupt; `body` runs with it, and everything is removed after. */
export async function withScaleLoad<T>(largest: number, processes: number, body: (load: ScaleLoad) => Promise<T>): Promise<T> {
  const load = new ScaleLoad();
  const dispose = atInterrupt(() => load.stop());
  try {
    load.checkPidHeadroom(sizeOf(largest), processes);
    load.prepare();
    return await body(load);
  } finally {
    const t0 = performance.now();
    load.stop();
    dispose();
    console.log(`scale: load removed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}

function curveLine(containers: number, f: ExporterFigures, load: string): string {
  return (
    `  ${String(containers).padStart(5)} containers: /metrics p50 ${f.p50.toFixed(0).padStart(5)} ms  p99 ${f.p99.toFixed(0).padStart(5)} ms  ` +
    `scan p50 ${(f.scanSecondsP50 * 1000).toFixed(0).padStart(4)} ms  CPU/scrape ${f.cpuMsPerScrape.toFixed(0).padStart(4)} ms  series ${String(f.series).padStart(6)}  body ${(f.bodyBytes / 1e6).toFixed(2)} MB  ` +
    `RSS ${f.rssMiB.toFixed(0)} MiB (peak ${f.peakMiB.toFixed(0)})  fds ${f.fds}/${f.fdBudget}  load avg ${load}`
  );
}

function exporterRows(containers: number, f: ExporterFigures, load: string): BenchRow[] {
  const at = `${containers} containers, ${scaleProcesses()} host processes, load avg ${load}`;
  return [
    {
      name: `/metrics p99, fresh scan per scrape, ${f.latencies.length} scrapes (p50 ${f.p50.toFixed(1)} ms, exporter CPU ${f.cpuMsPerScrape.toFixed(1)} ms a scrape, ${f.series} series), ${at}`,
      value: f.p99,
      unit: 'ms',
      target: 'value <= 150 ms',
      ok: f.p99 <= 150,
    },
    {
      name: `${f.concurrent} concurrent scrapes: distinct scans behind them (rounds ${f.scansPerConcurrentRound.join(', ')}), ${at}`,
      value: Math.max(...f.scansPerConcurrentRound),
      unit: 'n',
      target: 'value == 1 (they share one scan)',
      ok: Math.max(...f.scansPerConcurrentRound) === 1,
    },
    {
      name: `exporter RSS after the scrapes (peak ${f.peakMiB.toFixed(1)} MiB), ${at}`,
      value: f.rssMiB,
      unit: 'MiB',
      target: 'value <= 150 MiB (peak too)',
      ok: f.rssMiB <= 150 && f.peakMiB <= 150,
    },
    {
      name: `exporter open descriptors (budget ${f.fdBudget} kept files), ${at}`,
      value: f.fds,
      unit: 'n',
      // the kept files plus a few dozen of node's own (sockets, epoll, pipes)
      target: `value <= budget + 64, never one per host process`,
      ok: f.fds <= f.fdBudget + 64,
    },
  ];
}

/** How much each added container costs, early in the curve and late: linear means about the same. */
function linearityRow(points: Array<{ containers: number; p50: number }>): BenchRow | undefined {
  if (points.length < 3) return undefined;
  const [a, b] = [points[0], points[1]];
  const z = points[points.length - 1];
  const y = points[points.length - 2];
  const early = (b.p50 - a.p50) / (b.containers - a.containers);
  const late = (z.p50 - y.p50) / (z.containers - y.containers);
  const overall = (z.p50 - a.p50) / (z.containers - a.containers);
  return {
    name: `/metrics p50 per added container, ${y.containers}->${z.containers} (${late.toFixed(3)} ms) vs ${a.containers}->${b.containers} (${early.toFixed(3)} ms); overall ${overall.toFixed(3)} ms`,
    value: late,
    unit: 'ms',
    peer: { name: `${a.containers}->${b.containers}`, value: Math.max(early, 1e-3) },
    target: 'ratio <= 1.5 (linear in containers), or late <= 0.05 ms',
    ok: late <= 1.5 * early || late <= 0.05,
  };
}

/** The scale suite; `afterLast` adds rows measured on the last step's load before it is removed (the soak). */
export function runScale(afterLast: (containers: number) => Promise<BenchRow[]> = soak): Promise<BenchRow[]> {
  {
    const steps = scaleSteps();
    const processes = scaleProcesses();
    return withScaleLoad(steps[steps.length - 1], processes, async (load) => {
      const rows: BenchRow[] = [];
      const curve: Array<{ containers: number; p50: number; line: string }> = [];
      for (const containers of steps) {
        await buildStep(load, containers, processes);
        const f = await measureExporter(containers >= 1000 ? 100 : 60);
        const avg = loadAverage();
        curve.push({ containers, p50: f.p50, line: curveLine(containers, f, avg) });
        console.log(curve[curve.length - 1].line);
        rows.push(...exporterRows(containers, f, avg));
      }
      console.log('scale: the curve\n' + curve.map((c) => c.line).join('\n'));
      const linear = linearityRow(curve);
      if (linear) rows.push(linear);

      const last = steps[steps.length - 1];
      const at = () => `${last} containers, ${hostProcessCount()} host processes, load avg ${loadAverage()}`;
      const refresh = inProcessRefreshMs();
      rows.push({
        name: `steady-state in-process refresh, ${at()}`,
        value: refresh,
        unit: 'ms',
        target: 'value <= 25 ms',
        ok: refresh <= 25,
      });
      const [ps, psOurs] = await psAgainstProcps();
      rows.push({
        name: `tctop ps --json, ${at()}`,
        value: psOurs,
        unit: 'ms',
        peer: { name: 'ps -e -o pid,ppid,pidns,mntns,netns,cgroup,comm', value: ps },
        target: 'ratio <= 0.25',
        ok: psOurs / ps <= 0.25,
      });
      const ids = load.dockerIds.slice(0, 30);
      const [top, inspect] = await inspectAgainstDockerTop(ids);
      rows.push({
        name: `tctop inspect --json of ${ids.length} Docker containers, ${at()}`,
        value: inspect,
        unit: 'ms',
        peer: { name: `docker top loop over ${ids.length}`, value: top },
        target: 'ratio <= 0.1',
        ok: inspect / top <= 0.1,
      });
      const d = await measureDashboard();
      const intact = d.shown >= last;
      const seen = intact ? `showed ${d.shown} containers` : `NOT VALID: showed ${d.shown} containers`;
      rows.push(
        {
          name: `dashboard CPU (% of one core, its helpers included) at the default 1 s refresh, 20 s; ${seen}, ${at()}`,
          value: d.cpuPercent,
          unit: '%',
          target: 'value <= 5%',
          ok: intact && d.cpuPercent <= 5,
        },
        {
          name: `dashboard RSS (peak ${d.peakMiB.toFixed(1)} MiB), ${at()}`,
          value: d.rssMiB,
          unit: 'MiB',
          target: 'value <= 150 MiB (peak too)',
          ok: d.rssMiB <= 150 && d.peakMiB <= 150,
        },
      );
      rows.push({
        name: `load setup: ${load.tctopIds.length} tctop containers (${load.setup.tctop.toFixed(1)} s), ${load.dockerIds.length} docker (${load.setup.docker.toFixed(1)} s), sleepers (${load.setup.sleepers.toFixed(1)} s)`,
        value: Math.max(load.setup.tctop, load.setup.docker) + load.setup.sleepers,
        unit: 's',
        target: 'context',
        ok: true,
      });
      rows.push(...(await afterLast(last)));
      return rows;
    });
  }
}

export const suite: BenchSuite = {
  name: 'scale',
  wants: { extraProcesses: 0, dockerContainers: 0 },
  run: () => runScale(),
};
