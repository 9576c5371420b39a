// Limits and lifetimes: cAdvisor's container_spec_* plus start time and last seen.
import { perContainer, type Collector } from '../family.js';

export const specCollector: Collector = {
  name: 'spec',
  description: 'container limits (memory, reservation, swap, CPU quota, period, shares), start time, last seen',
  enabledByDefault: true,
  metrics: [
    perContainer({
      name: 'container_spec_memory_limit_bytes',
      help: 'Memory limit for the container.',
      type: 'gauge',
      // cAdvisor reports 0 for "no limit"
      value: (c) => (c.cgroup?.memory ? (c.cgroup.memory.limitBytes ?? 0) : undefined),
    }),
    perContainer({
      name: 'container_spec_memory_reservation_limit_bytes',
      help: 'Memory reservation limit for the container.',
      type: 'gauge',
      value: (c) => (c.cgroup?.memory ? (c.cgroup.memory.reservationBytes ?? 0) : undefined),
    }),
    perContainer({
      name: 'container_spec_memory_swap_limit_bytes',
      help: 'Memory swap limit for the container.',
      type: 'gauge',
      value: (c) => (c.cgroup?.memory ? (c.cgroup.memory.swapLimitBytes ?? 0) : undefined),
    }),
    perContainer({
      name: 'container_spec_cpu_quota',
      // only when a quota is set, as cAdvisor (an unlimited container has no series)
      help: 'CPU quota of the container.',
      type: 'gauge',
      value: (c) => c.cgroup?.cpu?.quotaMicros,
    }),
    perContainer({
      name: 'container_spec_cpu_period',
      help: 'CPU period of the container.',
      type: 'gauge',
      value: (c) => c.cgroup?.cpu?.periodMicros,
    }),
    perContainer({
      name: 'container_spec_cpu_shares',
      help: 'CPU share of the container.',
      type: 'gauge',
      value: (c) => c.cgroup?.cpu?.shares,
    }),
    perContainer({
      name: 'container_start_time_seconds',
      help: 'Start time of the container since unix epoch in seconds.',
      type: 'gauge',
      value: (c) => c.startedAt ?? undefined,
    }),
    perContainer({
      name: 'container_last_seen',
      help: 'Last time a container was seen by the exporter',
      type: 'gauge',
      value: (_c, snapshot) => Math.floor(snapshot.takenAt / 1000),
    }),
  ],
};
