// Memory: usage, working set (usage - inactive_file, computed by the cgroup reader as cAdvisor does), OOMs.
import { CONTAINER_LABELS, perContainer, type Collector, type MetricDef } from '../family.js';

/**
 * cAdvisor's four series per container: pgfault and pgmajfault, each under scope container and hierarchy. cAdvisor
 * gives both scopes memory.stat's own pgfault/pgmajfault (v2's figures are hierarchical anyway), and so does tctop.
 */
const FAILURE_LABELS = ['container', 'hierarchy'].map((scope) => ({
  pgfault: { failure_type: 'pgfault', scope },
  pgmajfault: { failure_type: 'pgmajfault', scope },
}));

const memoryFailures: MetricDef = {
  name: 'container_memory_failures_total',
  help: 'Cumulative count of memory allocation failures.',
  type: 'counter',
  labelNames: [...CONTAINER_LABELS, 'failure_type', 'scope'],
  collect(snapshot, emit) {
    for (const c of snapshot.containers) {
      const m = c.cgroup?.memory;
      if (m?.pgfault === undefined || m.pgmajfault === undefined) continue;
      for (const labels of FAILURE_LABELS) {
        emit(c, labels.pgfault, m.pgfault);
        emit(c, labels.pgmajfault, m.pgmajfault);
      }
    }
  },
};

export const memoryCollector: Collector = {
  name: 'memory',
  description:
    'container memory usage, peak, working set, RSS, cache, mapped files, kernel memory, swap, page faults, failcnt and OOM events',
  enabledByDefault: true,
  metrics: [
    perContainer({
      name: 'container_memory_usage_bytes',
      help: 'Current memory usage in bytes, including all memory regardless of when it was accessed',
      type: 'gauge',
      value: (c) => c.cgroup?.memory?.usageBytes,
    }),
    perContainer({
      name: 'container_memory_working_set_bytes',
      help: 'Current working set in bytes.',
      type: 'gauge',
      value: (c) => c.cgroup?.memory?.workingSetBytes,
    }),
    perContainer({
      name: 'container_memory_rss',
      help: 'Size of RSS in bytes.',
      type: 'gauge',
      value: (c) => c.cgroup?.memory?.rssBytes,
    }),
    perContainer({
      name: 'container_memory_cache',
      help: 'Number of bytes of page cache memory.',
      type: 'gauge',
      value: (c) => c.cgroup?.memory?.cacheBytes,
    }),
    perContainer({
      name: 'container_memory_max_usage_bytes',
      help: 'Maximum memory usage recorded in bytes',
      type: 'gauge',
      value: (c) => c.cgroup?.memory?.maxUsageBytes,
    }),
    perContainer({
      name: 'container_memory_mapped_file',
      help: 'Size of memory mapped files in bytes.',
      type: 'gauge',
      value: (c) => c.cgroup?.memory?.mappedFileBytes,
    }),
    perContainer({
      name: 'container_memory_kernel_usage',
      help: 'Size of kernel memory allocated in bytes.',
      type: 'gauge',
      value: (c) => c.cgroup?.memory?.kernelUsageBytes,
    }),
    memoryFailures,
    perContainer({
      name: 'container_memory_swap',
      help: 'Container swap usage in bytes.',
      type: 'gauge',
      value: (c) => c.cgroup?.memory?.swapBytes,
    }),
    perContainer({
      name: 'container_memory_failcnt',
      help: 'Number of memory usage hits limits',
      // a counter in cAdvisor, but its name lacks _total; typed gauge so `promtool check metrics` stays clean
      type: 'gauge',
      value: (c) => c.cgroup?.memory?.failcnt,
    }),
    perContainer({
      name: 'container_oom_events_total',
      help: 'Count of out of memory events observed for the container',
      type: 'counter',
      // v2 reports oom events; v1 only oom_kill in memory.oom_control
      value: (c) => c.cgroup?.memory?.oomEvents ?? c.cgroup?.memory?.oomKills ?? (c.cgroup?.memory ? 0 : undefined),
    }),
  ],
};
