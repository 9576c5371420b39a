// The cAdvisor series beyond the basics, from a constructed snapshot: memory extras and failures with cAdvisor's
// labels, spec limits (0 = unlimited), tasks by state, descriptors, blkio per device and operation, network per
// interface without loopback, machine topology and scrape error; container_label_* under the label policy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContainerLabelPolicy, labelName, labelValue } from '../../../src/exporter/container-labels.js';
import { COLLECTORS } from '../../../src/exporter/families/index.js';
import { MetricsRenderer } from '../../../src/exporter/renderer.js';
import type { HostSnapshot } from '../../../src/snapshot/model.js';
import { FixedSnapshot, fixtureSnapshot } from './snapshot-fixture.js';

const DEFAULT = COLLECTORS.filter((c) => c.enabledByDefault || c.name === 'descriptors');

async function render(snapshot: HostSnapshot = fixtureSnapshot(), policy?: ContainerLabelPolicy): Promise<string> {
  return (await new MetricsRenderer(new FixedSnapshot(snapshot), DEFAULT, policy).render('prometheus')).body;
}

/** The value of the one line of `name` whose labels include every part. */
function value(body: string, name: string, ...parts: string[]): number | undefined {
  const lines = body.split('\n').filter((l) => l.startsWith(`${name}{`) && parts.every((p) => l.includes(p)));
  assert.ok(lines.length <= 1, `${name} ${parts.join(' ')}: ${lines.length} lines`);
  return lines.length ? Number(lines[0].slice(lines[0].lastIndexOf(' ') + 1)) : undefined;
}

const WEB = 'image="nginx:1.27"';
const POD = 'pod="web-0"';

test('memory: peak, mapped files, kernel memory, failures by failure_type and scope', async () => {
  const body = await render();
  assert.equal(value(body, 'container_memory_max_usage_bytes', WEB), 60_000_000);
  assert.equal(value(body, 'container_memory_mapped_file', WEB), 45_056);
  assert.equal(value(body, 'container_memory_kernel_usage', WEB), 442_368);
  for (const scope of ['container', 'hierarchy']) {
    assert.equal(value(body, 'container_memory_failures_total', WEB, 'failure_type="pgfault"', `scope="${scope}"`), 1320);
    assert.equal(value(body, 'container_memory_failures_total', WEB, 'failure_type="pgmajfault"', `scope="${scope}"`), 2);
  }
  assert.match(body, /^# TYPE container_memory_failures_total counter$/m);
  assert.equal(value(body, 'container_memory_max_usage_bytes', POD), undefined, 'no figure, no series');
  assert.equal(value(body, 'container_memory_failures_total', POD, 'failure_type="pgfault"', 'scope="container"'), undefined);
});

test('spec: reservation and swap limits (unlimited as 0, as cAdvisor); cpu quota only when set', async () => {
  const body = await render();
  assert.equal(value(body, 'container_spec_memory_reservation_limit_bytes', WEB), 33_554_432);
  assert.equal(value(body, 'container_spec_memory_swap_limit_bytes', WEB), 134_217_728);
  assert.equal(value(body, 'container_spec_memory_reservation_limit_bytes', POD), 0);
  assert.equal(value(body, 'container_spec_memory_swap_limit_bytes', POD), 0);
  assert.equal(value(body, 'container_spec_cpu_quota', WEB), 50_000);
  assert.equal(value(body, 'container_spec_cpu_quota', POD), undefined, 'no quota: no series');
  assert.equal(value(body, 'container_spec_cpu_period', POD), 100_000);
});

test('tasks by state from the processes stat; descriptors and sockets; blkio per device and operation', async () => {
  const body = await render();
  assert.deepEqual(
    ['running', 'sleeping', 'uninterruptible', 'stopped'].map((s) => value(body, 'container_tasks_state', WEB, `state="${s}"`)),
    [1, 1, 0, 0],
  );
  assert.equal(value(body, 'container_tasks_state', WEB, 'state="iowaiting"'), undefined, '/proc cannot tell iowait');
  assert.equal(value(body, 'container_file_descriptors', WEB), 12);
  assert.equal(value(body, 'container_sockets', WEB), 3);
  assert.equal(value(body, 'container_file_descriptors', POD), undefined, 'not counted: no series');
  const dev = ['device="/dev/vda"', 'major="254"', 'minor="0"'];
  assert.equal(value(body, 'container_blkio_device_usage_total', WEB, ...dev, 'operation="Read"'), 4096);
  assert.equal(value(body, 'container_blkio_device_usage_total', WEB, ...dev, 'operation="Write"'), 8192);
  assert.equal(value(body, 'container_blkio_device_usage_total', WEB, ...dev, 'operation="Total"'), 12288);
});

test('network: one series per interface, loopback and veth/docker interfaces skipped as cAdvisor does', async () => {
  const snap = fixtureSnapshot();
  const web = snap.containers[0];
  const ifc = web.network!.interfaces[0];
  web.network!.interfaces.push({ ...ifc, name: 'eth1', rxBytes: 5 }, { ...ifc, name: 'veth12ab' }, { ...ifc, name: 'docker0' });
  const body = await render(snap);
  assert.equal(value(body, 'container_network_receive_bytes_total', WEB, 'interface="eth0"'), 1000);
  assert.equal(value(body, 'container_network_receive_bytes_total', WEB, 'interface="eth1"'), 5);
  for (const skipped of ['lo', 'veth12ab', 'docker0']) assert.ok(!body.includes(`interface="${skipped}"`), skipped);
});

test('machine: physical cores, sockets; scrape error 1 when the topology or memory could not be read', async () => {
  const body = await render();
  assert.match(body, /^machine_cpu_physical_cores 2$/m);
  assert.match(body, /^machine_cpu_sockets 1$/m);
  assert.match(body, /^machine_scrape_error 0$/m);
  const snap = fixtureSnapshot();
  delete snap.host.cpuPhysicalCores;
  delete snap.host.cpuSockets;
  const broken = await render(snap);
  assert.match(broken, /^machine_scrape_error 1$/m);
  assert.match(broken, /^machine_cpu_sockets 0$/m, 'as cAdvisor: 0 when unknown');
});

test('container labels: every runtime label on every container series by default, none without the policy', async () => {
  const body = await render(fixtureSnapshot(), new ContainerLabelPolicy({ storeAll: true }));
  for (const line of body.split('\n').filter((l) => l.startsWith('container_') && l.includes(WEB)))
    assert.ok(line.includes('container_label_com_docker_compose_service="web"') && line.includes('container_label_maintainer="x"'), line);
  // Kubernetes' own labels come through too (cAdvisor's container_label_io_kubernetes_*)
  assert.equal(value(body, 'container_memory_usage_bytes', POD, 'container_label_io_kubernetes_pod_namespace="shop"'), 10_000_000);
  assert.ok(!(await render()).includes('container_label_'), 'the renderer without a policy adds none');
  const series = (b: string) => b.split('\n').filter((l) => l && !l.startsWith('#')).length;
  assert.equal(series(body), series(await render()), 'labels add no series');
});

test('container labels: the allowlist keeps only its keys; no policy, none at all', async () => {
  const only = await render(fixtureSnapshot(), new ContainerLabelPolicy({ storeAll: true, allowlist: ['com.docker.compose.service'] }));
  assert.ok(only.includes('container_label_com_docker_compose_service="web"'));
  assert.ok(!only.includes('container_label_maintainer'));
  assert.ok(!only.includes('container_label_io_kubernetes'));
  const none = await render(fixtureSnapshot(), new ContainerLabelPolicy({ storeAll: false }));
  assert.ok(!none.includes('container_label_'));
});

test('hostile labels: names sanitised and deduplicated, values escaped, cut and valid UTF-8', async () => {
  assert.equal(labelName('com.example/a-b c'), 'container_label_com_example_a_b_c');
  assert.equal(labelName('ünï'), 'container_label__n_');
  assert.equal(labelValue('a\x1b]0;pwned\x07b'), 'a\\e]0;pwned\\x07b');
  assert.equal(labelValue('x\ud800y'), 'x\ufffdy');
  assert.equal(Array.from(labelValue('v'.repeat(5000))).length, 1024);
  const snap = fixtureSnapshot();
  snap.containers[0].labels = { 'a.b': 'first', 'a-b': 'second', 'q"uote': 'line\nbreak "q" \\ end', esc: '\x1b[2J' };
  const body = await render(snap, new ContainerLabelPolicy({ storeAll: true }));
  const line = body.split('\n').find((l) => l.startsWith('container_memory_usage_bytes{') && l.includes(WEB))!;
  assert.ok(line.includes('container_label_a_b="second"'), `"a-b" sorts before "a.b": ${line}`);
  assert.equal(line.match(/container_label_a_b=/g)?.length, 1);
  assert.ok(line.includes('container_label_q_uote="line\\\\nbreak \\"q\\" \\\\ end"'), line);
  assert.ok(line.includes('container_label_esc="\\\\e[2J"'), line);
  assert.ok(!/[\x00-\x08\x0b-\x1f\x7f]/.test(body), 'no raw control characters in the exposition');
  assert.ok(Buffer.from(body, 'utf8').toString('utf8') === body);
});

test('a container with new label keys between scrapes rebinds the metrics; the old names go', async () => {
  const a = fixtureSnapshot();
  const b = fixtureSnapshot();
  b.containers[0].labels = { fresh: '1' };
  let current = a;
  const renderer = new MetricsRenderer({ get: async () => current }, DEFAULT, new ContainerLabelPolicy({ storeAll: true }));
  assert.ok((await renderer.render('prometheus')).body.includes('container_label_maintainer="x"'));
  current = b;
  const second = (await renderer.render('prometheus')).body;
  assert.ok(second.includes('container_label_fresh="1"'));
  assert.ok(!second.includes('container_label_maintainer'));
});
