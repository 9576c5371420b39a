// What the families compute from a snapshot: cAdvisor conventions, Kubernetes labels, no secrets, switches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COLLECTORS } from '../../../src/exporter/families/index.js';
import { MetricsRenderer } from '../../../src/exporter/renderer.js';
import { FixedSnapshot, fixtureSnapshot, SECRET } from './snapshot-fixture.js';

/** The collectors `tctop serve` runs without --collector flags. */
const defaultCollectorNames = () => COLLECTORS.filter((c) => c.enabledByDefault).map((c) => c.name);

async function render(names: string[]): Promise<string> {
  const renderer = new MetricsRenderer(
    new FixedSnapshot(fixtureSnapshot()),
    COLLECTORS.filter((c) => names.includes(c.name)),
  );
  return (await renderer.render('prometheus')).body;
}

function sample(body: string, name: string, labelPart: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(name + '{') && l.includes(labelPart));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('every metric name is unique across collectors and follows the counter naming rule', () => {
  const names = COLLECTORS.flatMap((c) => c.metrics.map((m) => m.name));
  assert.equal(new Set(names).size, names.length);
  for (const c of COLLECTORS) for (const m of c.metrics) if (m.type === 'counter') assert.match(m.name, /_total$/, m.name);
});

test('the process and descriptors collectors are off by default; every other collector is on', () => {
  assert.deepEqual(defaultCollectorNames(), ['cpu', 'memory', 'io', 'pids', 'network', 'spec', 'pressure', 'machine', 'tctop', 'fs']);
});

test('cAdvisor values: cpu total label, unlimited memory as 0, Kubernetes labels from the runtime labels', async () => {
  const body = await render(defaultCollectorNames());
  assert.equal(sample(body, 'container_cpu_usage_seconds_total', 'name="web \\"quoted\\"\\\\name"'), 12.5);
  assert.match(body, /container_cpu_usage_seconds_total\{[^}]*cpu="total"\} 12\.5/);
  assert.equal(sample(body, 'container_spec_memory_limit_bytes', 'pod="web-0"'), 0);
  assert.equal(sample(body, 'container_spec_memory_limit_bytes', 'image="nginx:1.27"'), 67_108_864);
  assert.match(
    body,
    /container_memory_working_set_bytes\{id="\/kubepods[^"]*",name="k8s_app_web-0_shop_uid_0",image="registry.example\/app:2",pod="web-0",namespace="shop",container="app"\} 9000000/,
  );
  assert.equal(sample(body, 'container_threads', 'image="nginx:1.27"'), 5);
  assert.equal(sample(body, 'container_pressure_cpu_stalled_seconds_total', 'pod="web-0"'), 0.5);
  assert.equal(sample(body, 'container_pressure_io_stalled_seconds_total', 'pod="web-0"'), undefined, 'no full line for io: no series');
  assert.equal(sample(body, 'container_oom_events_total', 'image="nginx:1.27"'), 1);
  assert.equal(sample(body, 'tctop_container_info', 'runtime="docker"'), 1);
  assert.match(body, /tctop_container_info\{[^}]*shim_pid="900",init_pid="1001"\} 1/);
  assert.match(body, /tctop_container_namespace_info\{[^}]*type="user",inode="4026531837",shared_with_host="true"\} 1/);
  assert.match(body, /^tctop_runtime_containers\{runtime="lxc"\} 1$/m);
  assert.match(body, /^tctop_host_processes 321$/m);
  // the one note (PID 1's namespaces, EACCES) counts as denied; the other kinds are there at 0
  assert.match(body, /^tctop_scan_errors\{kind="denied"\} 1$/m);
  assert.match(body, /^tctop_scan_errors\{kind="vanished"\} 0$/m);
  assert.match(body, /^tctop_scan_errors\{kind="malformed"\} 0$/m);
  assert.match(body, /^machine_cpu_cores 2$/m);
});

test('a container without cgroup figures gets info series but no cgroup series', async () => {
  const body = await render(defaultCollectorNames());
  assert.match(body, /tctop_container_info\{id="\/lxc\/box",name="box"/);
  assert.equal(sample(body, 'container_memory_usage_bytes', 'name="box"'), undefined);
  assert.equal(sample(body, 'container_processes', 'name="box"'), 1);
});

test('command lines, arguments and environments never appear, even with every collector on', async () => {
  const body = await render(COLLECTORS.map((c) => c.name));
  assert.ok(!body.includes(SECRET));
  assert.ok(!body.includes('daemon off'));
  assert.ok(!body.includes('containerd-shim-runc-v2 -namespace'));
  assert.match(body, /tctop_process_threads\{[^}]*pid="1001",container_pid="1",comm="nginx"\} 4/);
});

test('disabled collectors emit nothing', async () => {
  const body = await render(['machine']);
  assert.ok(!body.includes('container_'));
  assert.match(body, /^machine_memory_bytes 4000000000$/m);
});

test("fs: the writable layer's usage, limit and inodes with cAdvisor's labels and device, only once measured", async () => {
  const body = await render(['fs']);
  assert.match(body, /container_fs_usage_bytes\{id="\/docker\/a+",name=".*",image="nginx:1.27",device="\/dev\/vda"\} 1052672/);
  assert.equal(sample(body, 'container_fs_limit_bytes', 'device="/dev/vda"'), 270_582_939_648);
  assert.equal(sample(body, 'container_fs_inodes_total', 'device="/dev/vda"'), 16_777_216);
  assert.equal(sample(body, 'container_fs_inodes_free', 'device="/dev/vda"'), 16_000_000);
  // the pod's layer has no finished walk yet: no series rather than a 0 that would read as an empty layer
  assert.equal(sample(body, 'container_fs_usage_bytes', 'pod="web-0"'), undefined);
  assert.equal(body.split('\n').filter((l) => l.startsWith('container_fs_usage_bytes{')).length, 1);
});
