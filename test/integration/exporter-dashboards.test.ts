// Every PromQL expression in every Grafana dashboard, with Grafana's variables replaced by concrete values, runs
// against a real Prometheus scraping a real `tctop serve`: it must parse, use only series tctop defines, and return
// data whenever the series it uses are emitted on this host (PSI, v2 only, is empty on a v1 host).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { COLLECTORS } from '../../src/exporter/families/index.js';
import { dockerAvailable, dockerRm, dockerRun, testImagePresent } from '../helpers/docker.js';
import { hasCommand, isRoot, missing } from '../helpers/prereq.js';
import { startPrometheus, startServe, waitFor } from './exporter-harness.js';

const DASHBOARDS = new URL('../../../dashboards/', import.meta.url).pathname;
const KNOWN = COLLECTORS.flatMap((c) => c.metrics.map((m) => m.name));

interface Expr {
  where: string;
  expr: string;
}

/** Panel targets anywhere in the JSON (rows nest panels) and variable queries (label_values(<expr>, label)). */
export function expressionsOf(dashboard: unknown, file: string): Expr[] {
  const out: Expr[] = [];
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      node.forEach((n, i) => walk(n, `${path}[${i}]`));
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'expr' && typeof v === 'string') out.push({ where: `${file} ${path}`, expr: v });
      else walk(v, `${path}.${k}`);
    }
  };
  const d = dashboard as { panels?: unknown; templating?: { list?: Array<{ name: string; type: string; query?: unknown }> } };
  walk(d.panels, 'panels');
  for (const v of d.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const q = typeof v.query === 'string' ? v.query : ((v.query as { query?: string } | undefined)?.query ?? '');
    const m = /^label_values\((.+),\s*\w+\)$/.exec(q.trim());
    if (m) out.push({ where: `${file} variable ${v.name}`, expr: m[1] });
  }
  return out;
}

function substitute(expr: string, vars: Record<string, string>): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (all, a: string | undefined, b: string | undefined) => vars[a ?? b ?? ''] ?? all);
}

/** The tctop metric names an expression uses, by name or through a __name__ regex. */
function metricsUsed(expr: string): { names: string[]; unknown: string[] } {
  const names = new Set<string>();
  for (const re of expr.matchAll(/__name__=~"([^"]+)"/g)) for (const n of KNOWN) if (new RegExp(`^(?:${re[1]})$`).test(n)) names.add(n);
  const unknown: string[] = [];
  const withoutRegexes = expr.replace(/__name__=~"[^"]+"/g, '');
  for (const m of withoutRegexes.matchAll(/\b((?:container|machine|tctop)_[a-z_]+)\b/g))
    KNOWN.includes(m[1]) ? names.add(m[1]) : unknown.push(m[1]);
  return { names: [...names], unknown };
}

test('every dashboard expression parses, uses only tctop series, and returns data', { timeout: 120_000 }, async (t) => {
  if (missing(t, isRoot(), 'root')) return;
  if (missing(t, dockerAvailable() && testImagePresent(), 'docker and the test image (bash test/prereqs.sh)')) return;
  if (missing(t, hasCommand('prometheus'), 'prometheus')) return;

  const files = readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 2, 'a host overview and a container drill-down');
  const all: Expr[] = files.flatMap((f) => expressionsOf(JSON.parse(readFileSync(join(DASHBOARDS, f), 'utf8')), f));
  assert.ok(all.length > 30, `${all.length} expressions found`);

  const name = `tctop-test-dash-${process.pid}`;
  t.after(() => dockerRm(name));
  // a limit, a quota, a pids limit and some CPU so every panel has something to show
  dockerRun(name, ['--memory', '64m', '--cpus', '0.3', '--pids-limit', '100'], ['sh', '-c', 'while :; do :; done']);

  const serve = await startServe(t, ['--max-age', '500']);
  const prom = await startPrometheus(t, serve.port);
  const instance = `127.0.0.1:${serve.port}`;
  // enough scrapes for rate()/increase() over the 5s that stands in for $__rate_interval
  await waitFor('7s of samples', 40_000, async () => {
    const r = await prom.query(`count_over_time(container_cpu_usage_seconds_total{name="${name}"}[10s])`);
    return r.length && Number(r[0].value[1]) >= 7 ? true : undefined;
  });

  const live = await (await fetch(`${serve.base}/metrics`)).text();
  const emitted = new Set(
    live
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(/[{ ]/, 1)[0]),
  );
  const vars = { __rate_interval: '5s', __interval: '1s', __range: '1m', instance, container: name, datasource: 'prometheus' };

  const failures: string[] = [];
  for (const { where, expr } of all) {
    const concrete = substitute(expr, vars);
    if (concrete.includes('$')) failures.push(`${where}: unreplaced variable in ${concrete}`);
    const used = metricsUsed(expr);
    if (used.unknown.length) failures.push(`${where}: uses series tctop does not define: ${used.unknown.join(', ')}`);
    if (!used.names.length) failures.push(`${where}: uses no tctop series: ${expr}`);
    let result: Awaited<ReturnType<typeof prom.query>>;
    try {
      result = await prom.query(concrete);
    } catch (err) {
      failures.push(`${where}: ${(err as Error).message}`);
      continue;
    }
    const emittedHere = used.names.some((n) => emitted.has(n));
    if (emittedHere && result.length === 0) failures.push(`${where}: no data for ${concrete}`);
  }
  assert.deepEqual(failures, []);
});
