// The real thing: `tctop serve` scraped by a real Prometheus while real Docker containers run; memory, limit and
// CPU rate come back through Prometheus' HTTP API; promtool finds nothing; secrets never reach /metrics.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { dockerAvailable, dockerRm, dockerRun, testImagePresent } from '../helpers/docker.js';
import { hasCommand, isRoot, missing } from '../helpers/prereq.js';
import { promtoolProblems, startPrometheus, startServe, valueOf, waitFor } from './exporter-harness.js';

const SECRET = `tctop-secret-${process.pid}-xyzzy`;

test('Prometheus scrapes tctop serve: memory, limit and CPU rate of real Docker containers', { timeout: 120_000 }, async (t) => {
  if (missing(t, isRoot(), 'root')) return;
  if (missing(t, dockerAvailable() && testImagePresent(), 'docker and the test image (bash test/prereqs.sh)')) return;
  if (missing(t, hasCommand('prometheus') && hasCommand('promtool'), 'prometheus and promtool')) return;

  const burner = `tctop-test-exp-burn-${process.pid}`;
  const idle = `tctop-test-exp-idle-${process.pid}`;
  t.after(() => dockerRm(burner, idle));
  dockerRun(burner, ['--memory', '64m', '--cpus', '0.5', '-e', `API_TOKEN=${SECRET}`], ['sh', '-c', `while :; do :; done # ${SECRET}`]);
  dockerRun(idle, ['--memory', '32m'], ['sleep', '3600']);

  const serve = await startServe(t, ['--max-age', '500']);
  const prom = await startPrometheus(t, serve.port);

  await waitFor('tctop target up', 30_000, async () => (valueOf(await prom.query('up{job="tctop"}')) === 1 ? true : undefined));

  const usage = await waitFor('memory usage of the burner', 30_000, async () =>
    valueOf(await prom.query(`container_memory_usage_bytes{name="${burner}"}`)),
  );
  assert.ok(usage > 0 && usage <= 64 * 1024 * 1024, `usage ${usage}`);
  const ws = valueOf(await prom.query(`container_memory_working_set_bytes{name="${burner}"}`));
  assert.ok(ws !== undefined && ws <= usage);
  assert.equal(valueOf(await prom.query(`container_spec_memory_limit_bytes{name="${burner}"}`)), 64 * 1024 * 1024);
  assert.equal(valueOf(await prom.query(`container_spec_memory_limit_bytes{name="${idle}"}`)), 32 * 1024 * 1024);
  assert.equal(valueOf(await prom.query(`container_spec_cpu_quota{name="${burner}"}`)), 50_000);

  // --cpus 0.5 on a busy loop: about half a core; the idle container: about nothing
  const rate = await waitFor('a CPU rate over 5 scrapes', 30_000, async () => {
    const r = valueOf(await prom.query(`rate(container_cpu_usage_seconds_total{name="${burner}"}[5s])`));
    return r !== undefined && r > 0.2 ? r : undefined;
  });
  assert.ok(rate > 0.2 && rate < 0.8, `burner rate ${rate}`);
  const idleRate = valueOf(await prom.query(`rate(container_cpu_usage_seconds_total{name="${idle}"}[5s])`));
  assert.ok(idleRate !== undefined && idleRate < 0.05, `idle rate ${idleRate}`);
  const throttled = await waitFor('throttling', 20_000, async () => {
    const v = valueOf(await prom.query(`increase(container_cpu_cfs_throttled_periods_total{name="${burner}"}[5s])`));
    return v !== undefined && v > 0 ? v : undefined;
  });
  assert.ok(throttled > 0);

  const info = await prom.query(`tctop_container_info{name="${burner}"}`);
  assert.equal(info[0]?.metric.runtime, 'docker');
  assert.match(info[0]?.metric.shim_pid ?? '', /^\d+$/);
  assert.ok((valueOf(await prom.query('tctop_host_processes')) ?? 0) > 10);
  assert.ok((await prom.query(`tctop_container_namespace_info{name="${burner}",type="net",shared_with_host="false"}`)).length === 1);

  const body = await (await fetch(`${serve.base}/metrics`)).text();
  assert.ok(!body.includes(SECRET), 'no command line or environment in /metrics');
  assert.equal(promtoolProblems(body), '', "promtool check metrics finds nothing but cAdvisor's own names");

  const withProcesses = await startServe(t, ['--collector.process']);
  const all = await (await fetch(`${withProcesses.base}/metrics`)).text();
  assert.ok(!all.includes(SECRET), 'not even with the per-process collector');
  assert.match(all, new RegExp(`tctop_process_threads\\{[^}]*name="${burner}"[^}]*comm="sh"`));
});

test('tctop serve: collectors switch off, bad flags are usage errors', { timeout: 30_000 }, async (t) => {
  const serve = await startServe(t, ['--no-collector.cpu', '--no-collector.tctop']);
  const body = await (await fetch(`${serve.base}/metrics`)).text();
  assert.ok(!body.includes('container_cpu_usage_seconds_total'));
  assert.ok(!body.includes('tctop_host_processes'));
  assert.match(body, /^machine_cpu_cores \d+$/m);

  const bad = spawnSync(process.execPath, ['bin/tctop', 'serve', '--listen', 'nonsense'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^tctop: bad --listen "nonsense"/);
  const noProc = spawnSync(process.execPath, ['bin/tctop', 'serve', '--listen', '127.0.0.1:0', '--root', '/nonexistent'], {
    encoding: 'utf8',
  });
  assert.equal(noProc.status, 1);
  assert.equal(noProc.stderr, "tctop: no processes under /nonexistent/proc: is the host's /proc mounted there?\n");
  const taken = spawnSync(process.execPath, ['bin/tctop', 'serve', '--listen', `127.0.0.1:${serve.port}`], { encoding: 'utf8' });
  assert.equal(taken.status, 1);
  assert.equal(taken.stderr, `tctop: cannot listen on 127.0.0.1:${serve.port}: address in use\n`);
  const badCfg = spawnSync(process.execPath, ['bin/tctop', 'serve', '--listen', '127.0.0.1:0', '--web.config.file', '/nonexistent.yml'], {
    encoding: 'utf8',
  });
  assert.equal(badCfg.status, 2);
  assert.match(badCfg.stderr, /^tctop: cannot read web config file/);
});
