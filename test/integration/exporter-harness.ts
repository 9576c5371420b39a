// Shared by the exporter integration tests: a real `tctop serve` and a real Prometheus scraping it, both on
// loopback with free ports, both killed (and their temp dirs removed) when the test ends.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

const REPO = new URL('../../../', import.meta.url).pathname; // dist/test/integration -> repo root

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function stopOnExit(t: TestContext, child: ChildProcess): void {
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  });
}

export interface Serve {
  port: number;
  base: string;
  child: ChildProcess;
  stderr: () => string;
}

/** `tctop serve` on 127.0.0.1 with a port the kernel picks; resolves once it logged its address. */
export async function startServe(t: TestContext, args: string[] = []): Promise<Serve> {
  const child = spawn(process.execPath, [join(REPO, 'bin/tctop'), 'serve', '--listen', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  stopOnExit(t, child);
  let err = '';
  child.stderr!.setEncoding('utf8');
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', (c: string) => {
      err += c;
      const m = /serving https?:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(err);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`tctop serve exited ${code}: ${err}`)));
  });
  return { port, base: `http://127.0.0.1:${port}`, child, stderr: () => err };
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface Prometheus {
  base: string;
  /** Instant query; throws with Prometheus' error when the expression does not parse. */
  query(expr: string): Promise<PromSample[]>;
}

/**
 * A real Prometheus with its own temp TSDB, scraping the target every second (job "tctop"), or with the given
 * scrape_configs entries (YAML list items, indented by two spaces).
 */
export async function startPrometheus(t: TestContext, targetPort: number, scrapeConfigs?: string): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-prom-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const jobs = scrapeConfigs ?? `  - job_name: tctop\n    static_configs:\n      - targets: ['127.0.0.1:${targetPort}']\n`;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nscrape_configs:\n${jobs}`,
  );
  const child = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    {
      stdio: 'ignore',
    },
  );
  stopOnExit(t, child);
  const base = `http://127.0.0.1:${port}`;
  const query = async (expr: string): Promise<PromSample[]> => {
    const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
    if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error}`);
    if (body.data?.resultType === 'scalar') {
      const v = body.data.result as [number, string];
      return [{ metric: {}, value: v }];
    }
    return body.data?.result as PromSample[];
  };
  await waitFor('prometheus ready', 30_000, async () => ((await fetch(`${base}/-/ready`)).ok ? true : undefined));
  return { base, query };
}

export function valueOf(samples: PromSample[]): number | undefined {
  return samples.length ? Number(samples[0].value[1]) : undefined;
}

/**
 * What `promtool check metrics` finds in an exposition, less what cAdvisor's own names trip: cAdvisor calls a
 * gauge `container_fs_inodes_total`, and dashboards query that name, so its "_total on a gauge" lint is expected.
 */
export function promtoolProblems(body: string): string {
  const lint = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
  return (lint.stdout + lint.stderr)
    .split('\n')
    .filter((l) => l && l !== 'container_fs_inodes_total non-counter metrics should not have "_total" suffix')
    .join('\n');
}
