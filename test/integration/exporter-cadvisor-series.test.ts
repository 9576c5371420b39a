// The cAdvisor series tctop adds, on a live `tctop serve` with a real Docker container, checked against the
// kernel's own files read around the scrape (counters: before <= exported <= after), and through a real Prometheus.
// Runtime labels come as container_label_*, sanitised; a hostile one leaves the exposition valid; env never.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { dockerAvailable, dockerRm, dockerRun, testImagePresent } from '../helpers/docker.js';
import { hasCommand, isRoot, missing } from '../helpers/prereq.js';
import { promtoolProblems, startPrometheus, startServe, valueOf, waitFor } from './exporter-harness.js';

const SECRET = `tctop-series-env-${process.pid}-plugh`;
const MIB = 1024 * 1024;

/** The value of the one sample of `name` for the container whose labels include every part. */
function sampleOf(body: string, name: string, ...parts: string[]): number | undefined {
  const lines = body.split('\n').filter((l) => l.startsWith(`${name}{`) && parts.every((p) => l.includes(p)));
  assert.ok(lines.length <= 1, `${name} ${parts.join(' ')}: ${lines.length} samples`);
  return lines.length ? Number(lines[0].slice(lines[0].lastIndexOf(' ') + 1)) : undefined;
}

function flatKey(text: string, key: string): number {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  assert.ok(m, `${key} in ${text.slice(0, 80)}`);
  return Number(m[1]);
}

test('live /metrics and Prometheus: the cAdvisor series of a real Docker container match the kernel', { timeout: 180_000 }, async (t) => {
  if (missing(t, isRoot(), 'root')) return;
  if (missing(t, dockerAvailable() && testImagePresent(), 'docker and the test image (bash test/prereqs.sh)')) return;
  if (missing(t, hasCommand('prometheus') && hasCommand('promtool'), 'prometheus and promtool')) return;
  const v1 = readdirSync('/sys/fs/cgroup').includes('memory');
  if (missing(t, v1, 'the cgroup v1 memory and blkio controllers (this check reads their files)')) return;

  // the kernel keeps v1 blkio.throttle figures only for a queue with a throttle limit: set one on docker's disk
  const [major, minor] = spawnSync('stat', ['-c', '%Hd %Ld', '/var/lib/docker'], { encoding: 'utf8' }).stdout.trim().split(' ');
  const sysdev = `/sys/dev/block/${major}:${minor}`;
  const disk = readFileSync(readdirSync(sysdev).includes('partition') ? `${sysdev}/../uevent` : `${sysdev}/uevent`, 'utf8');
  const diskName = /^DEVNAME=(.+)$/m.exec(disk)![1];
  const name = `tctop-test-series-cad-${process.pid}`;
  t.after(() => dockerRm(name));
  const id = dockerRun(
    name,
    [
      ...[
        '--device-write-bps',
        `/dev/${diskName}:500mb`,
        '--memory',
        '64m',
        '--memory-reservation',
        '32m',
        '--memory-swap',
        '128m',
        '--cpus',
        '0.5',
      ],
      ...[
        '--label',
        'com.example.tier=web',
        '--label',
        'we.ird/key-1=v',
        '--label',
        `evil=a\x1b]0;pwned\x07b`,
        '-e',
        `API_TOKEN=${SECRET}`,
      ],
    ],
    ['sh', '-c', 'dd if=/dev/zero of=/tmp/f bs=1M count=4 oflag=direct 2>/dev/null; nc -l -p 80 & exec sleep 3600'],
  );
  const pid = Number(spawnSync('docker', ['inspect', '-f', '{{.State.Pid}}', name], { encoding: 'utf8' }).stdout.trim());
  // dockerd here runs with --bridge=none: give the container an eth0 of our own (a veth pair), and some traffic
  const hostIf = `tsr${process.pid % 100000}`;
  t.after(() => spawnSync('ip', ['link', 'del', hostIf], { stdio: 'ignore' }));
  const ip = (...args: string[]) => assert.equal(spawnSync('ip', args, { stdio: 'inherit' }).status, 0, `ip ${args.join(' ')}`);
  const inNs = (...args: string[]) =>
    assert.equal(spawnSync('nsenter', ['-t', String(pid), '-n', 'ip', ...args], { stdio: 'inherit' }).status, 0);
  ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', String(pid));
  ip('addr', 'add', '169.254.77.1/30', 'dev', hostIf);
  ip('link', 'set', hostIf, 'up');
  inNs('addr', 'add', '169.254.77.2/30', 'dev', 'eth0');
  inNs('link', 'set', 'eth0', 'up');
  spawnSync('ping', ['-c', '3', '-i', '0.2', '-W', '1', '169.254.77.2'], { stdio: 'ignore', timeout: 10_000 });
  const mem = (f: string) => readFileSync(`/sys/fs/cgroup/memory/docker/${id}/${f}`, 'utf8');
  const blkio = () => readFileSync(`/sys/fs/cgroup/blkio/docker/${id}/blkio.throttle.io_service_bytes`, 'utf8');
  // the dd finished and nc listens: the container's figures are still from here on
  const top = () => spawnSync('docker', ['top', name, '-eo', 'pid'], { encoding: 'utf8' }).stdout.trim().split('\n').slice(1).map(Number);
  await waitFor('the direct write and the listener', 30_000, async () =>
    /^\d+:\d+ Write [1-9]/m.test(blkio()) && top().length === 2 ? true : undefined,
  );
  await new Promise((r) => setTimeout(r, 1000)); // nc has its socket

  const serve = await startServe(t, ['--collector.descriptors']);
  const scrape = async () => (await fetch(`${serve.base}/metrics`)).text();
  const who = `name="${name}"`;
  const before = {
    stat: mem('memory.stat'),
    max: Number(mem('memory.max_usage_in_bytes')),
    dev: readFileSync(`/proc/${pid}/net/dev`, 'utf8'),
  };
  const body = await scrape();
  const after = {
    stat: mem('memory.stat'),
    max: Number(mem('memory.max_usage_in_bytes')),
    dev: readFileSync(`/proc/${pid}/net/dev`, 'utf8'),
  };

  // memory: counters between the reads around the scrape; limits exactly as docker set them
  const between = (v: number | undefined, lo: number, hi: number, what: string) =>
    assert.ok(v !== undefined && v >= lo && v <= hi, `${what}: ${lo} <= ${v} <= ${hi}`);
  for (const [type, key] of [
    ['pgfault', 'pgfault'],
    ['pgmajfault', 'pgmajfault'],
  ]) {
    for (const scope of ['container', 'hierarchy']) {
      const v = sampleOf(body, 'container_memory_failures_total', who, `failure_type="${type}"`, `scope="${scope}"`);
      between(v, flatKey(before.stat, key), flatKey(after.stat, key), `${type} ${scope}`);
    }
  }
  between(sampleOf(body, 'container_memory_max_usage_bytes', who), before.max, after.max, 'max usage');
  assert.equal(sampleOf(body, 'container_memory_mapped_file', who), flatKey(after.stat, 'total_mapped_file'));
  const kmem = sampleOf(body, 'container_memory_kernel_usage', who);
  assert.ok(kmem !== undefined && kmem > 0 && Math.abs(kmem - Number(mem('memory.kmem.usage_in_bytes'))) < 1 * MIB, `kmem ${kmem}`);
  assert.equal(sampleOf(body, 'container_spec_memory_reservation_limit_bytes', who), 32 * MIB);
  assert.equal(sampleOf(body, 'container_spec_memory_swap_limit_bytes', who), 128 * MIB);
  assert.equal(sampleOf(body, 'container_spec_cpu_quota', who), 50_000);

  // tasks and descriptors: the container's processes as /proc has them (sh exec'd into sleep, and nc: both sleeping)
  const pids = top();
  assert.equal(pids.length, 2, `docker top: ${pids}`);
  assert.equal(sampleOf(body, 'container_tasks_state', who, 'state="sleeping"'), 2);
  assert.equal(sampleOf(body, 'container_tasks_state', who, 'state="running"'), 0);
  const fds = pids.reduce((n, p) => n + readdirSync(`/proc/${p}/fd`).length, 0);
  assert.equal(sampleOf(body, 'container_file_descriptors', who), fds);
  assert.equal(sampleOf(body, 'container_sockets', who), 1, "nc's listening socket");

  // blkio per device and operation: the kernel's own line for the disk the overlay upper dir lives on
  const line = /^(\d+):(\d+) Write (\d+)$/m.exec(blkio())!;
  const devname = readFileSync(`/sys/dev/block/${line[1]}:${line[2]}/uevent`, 'utf8').match(/^DEVNAME=(.+)$/m)![1];
  const dev = [`device="/dev/${devname}"`, `major="${line[1]}"`, `minor="${line[2]}"`];
  assert.equal(sampleOf(body, 'container_blkio_device_usage_total', who, ...dev, 'operation="Write"'), Number(line[3]));
  assert.ok(Number(line[3]) >= 4 * MIB);

  // network: eth0 alone (lo skipped, as cAdvisor), between the reads of the container's net/dev
  const rx = (dev: string) => Number(/^\s*eth0:\s*(\d+)/m.exec(dev)![1]);
  between(sampleOf(body, 'container_network_receive_bytes_total', who, 'interface="eth0"'), rx(before.dev), rx(after.dev), 'eth0 rx');
  assert.ok(!body.includes(`interface="lo"`));

  // machine: sysfs topology
  const cpus = readdirSync('/sys/devices/system/cpu').filter((d) => /^cpu\d+$/.test(d));
  const topo = (cpu: string, f: string) => readFileSync(`/sys/devices/system/cpu/${cpu}/topology/${f}`, 'utf8').trim();
  const cores = new Set(cpus.map((c) => `${topo(c, 'physical_package_id')}:${topo(c, 'core_id')}`)).size;
  assert.match(body, new RegExp(`^machine_cpu_physical_cores ${cores}$`, 'm'));
  assert.match(body, new RegExp(`^machine_cpu_sockets ${new Set(cpus.map((c) => topo(c, 'physical_package_id'))).size}$`, 'm'));
  assert.match(body, /^machine_scrape_error 0$/m);

  // labels: on every series of the container, sanitised, the hostile one escaped; no environment anywhere
  const mine = body.split('\n').filter((l) => l.includes(who) && l.startsWith('container_'));
  assert.ok(mine.length > 30);
  for (const l of mine)
    assert.ok(l.includes('container_label_com_example_tier="web"') && l.includes('container_label_we_ird_key_1="v"'), l);
  assert.ok(mine[0].includes('container_label_evil="a\\\\e]0;pwned\\\\x07b"'), mine[0]);
  assert.ok(!/[\x00-\x08\x0b-\x1f\x7f]/.test(body), 'no raw control character');
  assert.ok(!body.includes(SECRET) && !body.includes('container_env_'), 'no environment');
  assert.equal(promtoolProblems(body), '', "promtool check metrics finds nothing but cAdvisor's own names");

  // the flags: no runtime labels, or the allowlisted key alone
  const bare = await (await fetch(`${(await startServe(t, ['--no-store-container-labels'])).base}/metrics`)).text();
  assert.ok(!bare.includes('container_label_'));
  const only = await (await fetch(`${(await startServe(t, ['--container-labels-allowlist', 'com.example.tier'])).base}/metrics`)).text();
  const onlyLine = only.split('\n').find((l) => l.startsWith('container_memory_usage_bytes{') && l.includes(who))!;
  assert.ok(onlyLine.includes('container_label_com_example_tier="web"') && !onlyLine.includes('container_label_we_ird'), onlyLine);

  // and through Prometheus: each new series answers PromQL, with cAdvisor's labels
  const prom = await startPrometheus(t, serve.port);
  await waitFor('tctop target up', 30_000, async () => (valueOf(await prom.query('up{job="tctop"}')) === 1 ? true : undefined));
  const sel = `name="${name}"`;
  const exprs = [
    `container_memory_max_usage_bytes{${sel}}`,
    `container_memory_mapped_file{${sel}}`,
    `container_memory_kernel_usage{${sel}}`,
    `container_memory_failures_total{${sel},failure_type="pgmajfault",scope="hierarchy"}`,
    `container_tasks_state{${sel},state="sleeping"}`,
    `container_file_descriptors{${sel}}`,
    `container_sockets{${sel}}`,
    `container_spec_memory_reservation_limit_bytes{${sel}}`,
    `container_spec_memory_swap_limit_bytes{${sel}}`,
    `container_spec_cpu_quota{${sel}}`,
    `container_blkio_device_usage_total{${sel},operation="Write",major="${line[1]}"}`,
    `container_network_receive_bytes_total{${sel},interface="eth0"}`,
    `container_memory_usage_bytes{container_label_com_example_tier="web"}`,
    'machine_cpu_physical_cores',
    'machine_cpu_sockets',
    'machine_scrape_error',
  ];
  await waitFor('every new series in Prometheus', 30_000, async () => {
    for (const e of exprs) if ((await prom.query(e)).length !== 1) return undefined;
    return true;
  }).catch(async (err) => {
    const absent: string[] = [];
    for (const e of exprs) if ((await prom.query(e)).length !== 1) absent.push(e);
    throw new Error(`${err}: ${absent.join(', ')}`);
  });
  assert.equal(valueOf(await prom.query(`container_sockets{${sel}}`)), 1);
  assert.equal(valueOf(await prom.query(`sum(container_tasks_state{${sel}})`)), 2);
  // a counter Prometheus can rate: two scrapes in, the page faults of an idle container rise slowly, never fall
  const rate = await waitFor('a rate of the failures counter', 20_000, async () =>
    valueOf(await prom.query(`sum(rate(container_memory_failures_total{${sel},scope="container"}[5s]))`)),
  );
  assert.ok(rate >= 0, `rate ${rate}`);
});
