// CPU: cumulative usage and CFS throttling, as cAdvisor names them.
import { perContainer, type Collector } from '../family.js';

export const cpuCollector: Collector = {
  name: 'cpu',
  description: 'container CPU usage and CFS throttling',
  enabledByDefault: true,
  metrics: [
    perContainer({
      name: 'container_cpu_usage_seconds_total',
      help: 'Cumulative cpu time consumed in seconds.',
      type: 'counter',
      constLabels: { cpu: 'total' },
      value: (c) => c.cgroup?.cpu?.usageSeconds,
    }),
    perContainer({
      name: 'container_cpu_user_seconds_total',
      help: 'Cumulative user cpu time consumed in seconds.',
      type: 'counter',
      value: (c) => c.cgroup?.cpu?.userSeconds,
    }),
    perContainer({
      name: 'container_cpu_system_seconds_total',
      help: 'Cumulative system cpu time consumed in seconds.',
      type: 'counter',
      value: (c) => c.cgroup?.cpu?.systemSeconds,
    }),
    perContainer({
      name: 'container_cpu_cfs_periods_total',
      help: 'Number of elapsed enforcement period intervals.',
      type: 'counter',
      value: (c) => c.cgroup?.cpu?.periods,
    }),
    perContainer({
      name: 'container_cpu_cfs_throttled_periods_total',
      help: 'Number of throttled period intervals.',
      type: 'counter',
      value: (c) => c.cgroup?.cpu?.throttledPeriods,
    }),
    perContainer({
      name: 'container_cpu_cfs_throttled_seconds_total',
      help: 'Total time duration the container has been throttled.',
      type: 'counter',
      value: (c) => c.cgroup?.cpu?.throttledSeconds,
    }),
  ],
};
