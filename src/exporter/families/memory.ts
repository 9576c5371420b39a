// Memory: usage, working set (usage - inactive_file, computed by the cgroup reader as cAdvisor does), OOMs.
import { perContainer, type Collector } from '../family.js';

export const memoryCollector: Collector = {
  name: 'memory',
  description: 'container memory usage, working set, RSS, cache, swap, failcnt and OOM events',
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
