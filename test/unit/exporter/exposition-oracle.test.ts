// The exporter writes its exposition itself; prom-client's registry is the oracle: for hostile, duplicated and
// many-container snapshots, with every collector and each label policy, both formats must match it byte for byte.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContainerLabelPolicy } from '../../../src/exporter/container-labels.js';
import { ExpositionWriter } from '../../../src/exporter/exposition.js';
import { COLLECTORS } from '../../../src/exporter/families/index.js';
import type { MetricDef } from '../../../src/exporter/family.js';
import { SnapshotRegistry, type ExpositionFormat } from '../../../src/exporter/registry.js';
import type { Container, HostSnapshot } from '../../../src/snapshot/model.js';
import { fixtureSnapshot } from './snapshot-fixture.js';

const ALL: MetricDef[] = COLLECTORS.flatMap((c) => c.metrics);
const FORMATS: ExpositionFormat[] = ['prometheus', 'openmetrics'];
const POLICIES = {
  all: () => new ContainerLabelPolicy({ storeAll: true }),
  allowlist: () => new ContainerLabelPolicy({ storeAll: true, allowlist: ['tier', 'com.docker.compose.service'] }),
  none: () => new ContainerLabelPolicy({ storeAll: false }),
};

async function assertSameAsPromClient(snapshot: HostSnapshot, what: string): Promise<void> {
  for (const [policyName, policy] of Object.entries(POLICIES)) {
    for (const format of FORMATS) {
      const expected = await new SnapshotRegistry(ALL, format, policy()).render(snapshot);
      const actual = new ExpositionWriter(ALL, policy()).render(snapshot, format).text();
      if (actual !== expected) {
        const a = actual.split('\n');
        const e = expected.split('\n');
        const i = a.findIndex((line, n) => line !== e[n]);
        assert.fail(`${what}, ${policyName} labels, ${format}: line ${i + 1} differs\n  ours: ${a[i]}\n  prom: ${e[i]}`);
      }
    }
  }
}

/** n containers from the fixture's three, each with its own label keys, so container_label_* vary per container. */
function manyContainers(n: number): HostSnapshot {
  const snap = fixtureSnapshot();
  const templates = snap.containers;
  const containers: Container[] = [];
  for (let i = 0; i < n; i++) {
    const c = structuredClone(templates[i % templates.length]);
    c.id = `${c.id.slice(0, 8)}-${i}`;
    c.name = `${c.name}-${i}`;
    if (c.cgroup) c.cgroup.path = `${c.cgroup.path}-${i}`;
    c.labels = { ...c.labels, tier: i % 2 ? 'back' : 'front', ...(i % 3 === 0 ? { [`only.${i % 7}`]: `v${i}` } : {}) };
    containers.push(c);
  }
  snap.containers = containers;
  return snap;
}

test('the fixture snapshot: every collector, both formats, each label policy, as prom-client writes it', async () => {
  await assertSameAsPromClient(fixtureSnapshot(), 'fixture');
});

test('hostile names, labels and values (quotes, backslashes, newlines, NaN, infinities) as prom-client writes them', async () => {
  const snap = fixtureSnapshot();
  const [docker, pod] = snap.containers;
  docker.name = 'a\\b"c\nd\\\\"';
  docker.image = 'img"\\\n';
  docker.labels = { 'x"y': 'q"\\\nz', 'é.ü': '\\', empty: '', ...pod.labels };
  pod.cgroup!.path = '/weird\\"path\n';
  docker.network!.interfaces[0].name = 'et"h\\0';
  docker.cgroup!.io!.devices![0].device = '/dev/"v\\da';
  docker.cgroup!.memory!.usageBytes = Number.NaN;
  docker.cgroup!.memory!.limitBytes = Number.POSITIVE_INFINITY;
  docker.cgroup!.memory!.rssBytes = Number.NEGATIVE_INFINITY;
  docker.cgroup!.cpu!.usageSeconds = 1e21; // exponent notation
  docker.cgroup!.cpu!.userSeconds = 0.1 + 0.2;
  docker.cgroup!.cpu!.systemSeconds = -0;
  // integers are written digit by digit: signs, zero, the largest safe one and the first beyond it
  docker.cgroup!.memory!.cacheBytes = 2 ** 53 - 1;
  docker.cgroup!.memory!.swapBytes = 2 ** 53 + 2;
  docker.cgroup!.memory!.workingSetBytes = 0;
  docker.cgroup!.cpu!.periods = 1e20;
  docker.cgroup!.cpu!.throttledPeriods = 10;
  docker.cgroup!.cpu!.quotaMicros = -12345;
  await assertSameAsPromClient(snap, 'hostile');
});

test('two containers with the same labels are one series each metric (a gauge keeps the last, a counter sums)', async () => {
  const snap = fixtureSnapshot();
  const twin = structuredClone(snap.containers[0]);
  twin.cgroup!.memory!.usageBytes = 7;
  twin.cgroup!.cpu!.usageSeconds = 100;
  snap.containers.push(twin);
  await assertSameAsPromClient(snap, 'duplicated container');
  const body = new ExpositionWriter(ALL, POLICIES.none()).render(snap, 'prometheus').text();
  const usage = body.split('\n').filter((l) => l.startsWith('container_memory_usage_bytes{'));
  assert.equal(usage.length, 2, 'the docker twin and the pod: one series each');
  assert.ok(usage[0].endsWith(' 7'), usage[0]);
  assert.ok(body.includes('container_cpu_usage_seconds_total{') && body.includes(' 112.5\n'), 'counter summed');
});

test('three hundred containers whose runtime labels differ per container, as prom-client writes them', async () => {
  await assertSameAsPromClient(manyContainers(300), '300 containers');
});

test('one writer over successive scans: texts it keeps follow every change of a container, as prom-client writes each', async () => {
  // the writer keeps a container's label texts and label objects across renders; each change must show at once
  const writers = Object.entries(POLICIES).map(([name, policy]) => ({ name, policy, writer: new ExpositionWriter(ALL, policy()) }));
  const scans: [string, (snap: HostSnapshot) => void][] = [
    ['first scan', () => {}],
    ['the same values in new objects', () => {}],
    [
      'renamed, re-imaged',
      (snap) => {
        snap.containers[0].name = 'renamed';
        snap.containers[1].image = 'other:2';
      },
    ],
    [
      'relabelled (a value, a new key, a key gone)',
      (snap) => {
        const c = snap.containers[0];
        c.labels = { ...c.labels, tier: 'changed', added: 'yes' };
        delete c.labels['com.docker.compose.service'];
      },
    ],
    [
      'moved to another cgroup',
      (snap) => {
        snap.containers[0].cgroup!.path = '/moved/elsewhere';
      },
    ],
    [
      'state, shim and init changed; a namespace no longer shared',
      (snap) => {
        const c = snap.containers[0];
        c.state = 'paused';
        c.shim = { pid: 4242, command: 'shim' };
        c.init = { hostPid: 4343, containerPid: 1 };
        for (const ns of c.namespaces) ns.sharedWithHost = !ns.sharedWithHost;
      },
    ],
    [
      'an interface renamed, a container gone',
      (snap) => {
        snap.containers[0].network!.interfaces[0].name = 'eth9';
        snap.containers.pop();
      },
    ],
  ];
  let changes: ((snap: HostSnapshot) => void)[] = [];
  for (const [what, change] of scans) {
    changes = [...changes, change];
    const snap = manyContainers(6);
    for (const c of changes) c(snap);
    for (const { name, policy, writer } of writers) {
      for (const format of FORMATS) {
        const expected = await new SnapshotRegistry(ALL, format, policy()).render(snap);
        assert.equal(writer.render(snap, format).text(), expected, `${what}, ${name} labels, ${format}`);
      }
    }
  }
});

test('an empty host: every family keeps its HELP and TYPE, label-less gauges their value', async () => {
  const snap = fixtureSnapshot();
  snap.containers = [];
  await assertSameAsPromClient(snap, 'no containers');
});

test('a counter that went negative is left out of the scrape (prom-client would fail the whole scrape)', () => {
  const snap = fixtureSnapshot();
  snap.containers[0].cgroup!.cpu!.periods = -1;
  const body = new ExpositionWriter(ALL, POLICIES.none()).render(snap, 'prometheus').text();
  const periods = body.split('\n').filter((l) => l.startsWith('container_cpu_cfs_periods_total{'));
  assert.equal(periods.length, 1, 'only the pod, whose periods are 0');
  assert.ok(periods[0].includes('web-0') || periods[0].includes('k8s_app'), periods[0]);
});

test("an invalid metric or label name is refused at construction by prom-client's validation", () => {
  const bad: MetricDef = { name: 'bad-name', help: 'x', type: 'gauge', labelNames: [], collect: () => {} };
  assert.throws(() => new ExpositionWriter([bad]), /Invalid metric name/);
  const badLabel: MetricDef = { name: 'ok_name', help: 'x', type: 'gauge', labelNames: ['0bad'], collect: () => {} };
  assert.throws(() => new ExpositionWriter([badLabel]), /Invalid label name/);
});
