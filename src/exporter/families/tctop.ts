// tctop's own series: what cAdvisor cannot show (runtime, shim, init PID, namespaces) as info-style series with
// bounded cardinality, plus the health of the scan itself.
import { VERSION } from '../../version.js';
import { type ContainerNamespace, READ_FAILURES } from '../../snapshot/model.js';
import { CONTAINER_LABELS, hostGauge, type Collector, type Labels, type MetricDef } from '../family.js';
import { LabelSets } from '../label-sets.js';

// keyed by every value they hold: a container whose state or PIDs change gets new labels
const infoLabels = new LabelSets<string>();

const containerInfo: MetricDef = {
  name: 'tctop_container_info',
  help: 'A container as tctop found it (value 1): runtime, runtime ID, state, shim and init host PIDs.',
  type: 'gauge',
  labelNames: [...CONTAINER_LABELS, 'runtime', 'container_id', 'state', 'shim_pid', 'init_pid'],
  collect(s, emit) {
    for (const c of s.containers) {
      const shimPid = c.shim ? String(c.shim.pid) : '';
      const initPid = c.init ? String(c.init.hostPid) : '';
      const key = `${c.runtime}\u0000${c.id}\u0000${c.state}\u0000${shimPid}\u0000${initPid}`;
      const labels = infoLabels.get(key, () => ({
        runtime: c.runtime,
        container_id: c.id,
        state: c.state,
        shim_pid: shimPid,
        init_pid: initPid,
      }));
      emit(c, labels, 1);
    }
  },
};

// a namespace's inode names it (nsfs inodes are unique while it lives); checked against its type and host-sharing
const namespaceLabels = new LabelSets<number>();

function namespaceLabelsOf(ns: ContainerNamespace): Labels {
  const shared = ns.sharedWithHost ? 'true' : 'false';
  const kept = namespaceLabels.find(ns.inode);
  if (kept && kept.type === ns.type && kept.shared_with_host === shared) return kept;
  return namespaceLabels.keep(ns.inode, { type: ns.type, inode: String(ns.inode), shared_with_host: shared });
}

const namespaceInfo: MetricDef = {
  name: 'tctop_container_namespace_info',
  help: 'A namespace of a container (value 1): type, inode, and whether the host shares it. Join on id.',
  type: 'gauge',
  // eight series per container: only the join keys, not every container label
  labelNames: ['id', 'name', 'type', 'inode', 'shared_with_host'],
  collect(s, emit) {
    for (const c of s.containers) for (const ns of c.namespaces) emit(c, namespaceLabelsOf(ns), 1, true);
  },
};

const runtimeLabels = new LabelSets<string>();

const containerProcesses: MetricDef = {
  name: 'tctop_container_processes',
  help: 'Processes tctop grouped into the container (shim excluded).',
  type: 'gauge',
  labelNames: [...CONTAINER_LABELS, 'runtime'],
  collect(s, emit) {
    for (const c of s.containers)
      emit(
        c,
        runtimeLabels.get(c.runtime, (runtime) => ({ runtime })),
        c.pids.length,
      );
  },
};

const runtimeContainers: MetricDef = {
  name: 'tctop_runtime_containers',
  help: 'Containers found per runtime.',
  type: 'gauge',
  labelNames: ['runtime'],
  collect(s, emit) {
    const counts = new Map<string, number>();
    for (const c of s.containers) counts.set(c.runtime, (counts.get(c.runtime) ?? 0) + 1);
    for (const [runtime, n] of [...counts].sort(([a], [b]) => a.localeCompare(b))) emit(undefined, { runtime }, n);
  },
};

/** One series per kind, zeros included, so an alert on a kind has a series to watch before the first error. */
const scanErrors: MetricDef = {
  name: 'tctop_scan_errors',
  help: 'Host paths the last scan could not read, by kind: vanished (the process or cgroup went away mid-scan), denied (permission), malformed (did not parse).',
  type: 'gauge',
  labelNames: ['kind'],
  collect(s, emit) {
    const counts = new Map(READ_FAILURES.map((k) => [k, 0]));
    for (const n of s.notes) counts.set(n.kind, (counts.get(n.kind) ?? 0) + 1);
    for (const [kind, value] of counts) emit(undefined, { kind }, value);
  },
};

const buildInfo: MetricDef = {
  name: 'tctop_build_info',
  help: 'tctop build information (value 1).',
  type: 'gauge',
  labelNames: ['version'],
  collect: (_s, emit) => emit(undefined, { version: VERSION }, 1),
};

export const tctopCollector: Collector = {
  name: 'tctop',
  description: "tctop's own series: container/namespace info, runtimes, host processes, scan health, build info",
  enabledByDefault: true,
  metrics: [
    containerInfo,
    namespaceInfo,
    containerProcesses,
    runtimeContainers,
    hostGauge('tctop_host_processes', 'Processes on the host (entries of /proc).', (s) => s.hostProcessCount),
    hostGauge('tctop_scan_duration_seconds', 'Duration of the host scan that produced this scrape.', (s) => s.scanDurationSeconds),
    scanErrors,
    hostGauge(
      'tctop_scan_timestamp_seconds',
      'When the scan that produced this scrape started, since unix epoch.',
      (s) => s.takenAt / 1000,
    ),
    buildInfo,
  ],
};
