// The machine, as cAdvisor's machine_* series (host-wide, no container labels).
import type { Collector, MetricDef } from '../family.js';
import type { HostSnapshot } from '../../snapshot/model.js';

function hostGauge(name: string, help: string, value: (s: HostSnapshot) => number): MetricDef {
  return { name, help, type: 'gauge', labelNames: [], samples: (s) => [{ labels: {}, value: value(s) }] };
}

export const machineCollector: Collector = {
  name: 'machine',
  description: 'host CPU cores and memory',
  enabledByDefault: true,
  metrics: [
    hostGauge('machine_cpu_cores', 'Number of logical CPU cores.', (s) => s.host.cpuCores),
    hostGauge('machine_memory_bytes', 'Amount of memory installed on the machine.', (s) => s.host.memoryBytes),
  ],
};
