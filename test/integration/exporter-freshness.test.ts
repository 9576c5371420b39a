// A real Prometheus scraping `tctop serve` every second, a busy container capped at half a core: every scrape
// carries a newer CPU figure than the one before (no interval reads 0), and none reads double (a stale figure
// repeated, then caught up). This is the case a snapshot cache older than the scrape interval gets wrong.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dockerAvailable, dockerRm, dockerRun, testImagePresent } from '../helpers/docker.js';
import { hasCommand, isRoot, missing } from '../helpers/prereq.js';
import { startPrometheus, startServe, valueOf, waitFor } from './exporter-harness.js';

const CPUS = 0.5;

test('Prometheus at 1 s: each interval of a busy container is a new CPU figure, never 0, never double', { timeout: 120_000 }, async (t) => {
  if (missing(t, isRoot(), 'root')) return;
  if (missing(t, dockerAvailable() && testImagePresent(), 'docker and the test image (bash test/prereqs.sh)')) return;
  if (missing(t, hasCommand('prometheus'), 'prometheus')) return;

  const burner = `tctop-test-series-fresh-${process.pid}`;
  t.after(() => dockerRm(burner));
  dockerRun(burner, ['--network', 'none', '--cpus', String(CPUS)], ['sh', '-c', 'while :; do :; done']);

  const serve = await startServe(t); // the default: no snapshot reuse across scrapes
  const prom = await startPrometheus(t, serve.port);
  await waitFor('tctop target up', 30_000, async () => (valueOf(await prom.query('up{job="tctop"}')) === 1 ? true : undefined));
  const series = `container_cpu_usage_seconds_total{name="${burner}"}`;
  await waitFor('the burner scraped', 30_000, async () => valueOf(await prom.query(series)));
  await new Promise((r) => setTimeout(r, 22_000));

  // the raw samples of the last 20 s, with Prometheus' own scrape timestamps
  const raw = await prom.query(`${series}[20s]`);
  const values = (raw[0] as unknown as { values: [number, string][] }).values.map(([ts, v]) => [ts, Number(v)] as const);
  assert.ok(values.length >= 15, `${values.length} samples in 20 s at 1 s`);
  const rates: number[] = [];
  for (let i = 1; i < values.length; i++) {
    const [t0, v0] = values[i - 1];
    const [t1, v1] = values[i];
    rates.push((v1 - v0) / (t1 - t0));
  }
  const shown = rates.map((r) => r.toFixed(2)).join(' ');
  assert.ok(
    rates.every((r) => r > 0),
    `an interval with no new CPU figure (a repeated sample): ${shown}`,
  );
  // the quota caps every 100 ms period at half a core; 1.8x leaves room for scans delayed on a loaded machine
  assert.ok(
    rates.every((r) => r < CPUS * 1.8),
    `an interval at about double the cap (a stale sample caught up): ${shown}`,
  );
  const rate = valueOf(await prom.query(`rate(${series}[10s])`));
  assert.ok(rate !== undefined && rate > 0.05 && rate < CPUS * 1.2, `rate over 10 s ${rate}`);
});
