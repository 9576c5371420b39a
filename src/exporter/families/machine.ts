// The machine, as cAdvisor's machine_* series (host-wide, no container labels).
import { hostGauge, type Collector } from '../family.js';
import type { HostSnapshot } from '../../snapshot/model.js';

/** As cAdvisor's: 1 when the machine's facts could not be read (a zero core or memory count, no topology). */
function machineError(s: HostSnapshot): number {
  const h = s.host;
  return h.cpuCores > 0 && h.memoryBytes > 0 && h.cpuPhysicalCores !== undefined ? 0 : 1;
}

export const machineCollector: Collector = {
  name: 'machine',
  description: 'host CPU cores (logical, physical), sockets and memory',
  enabledByDefault: true,
  metrics: [
    hostGauge('machine_cpu_cores', 'Number of logical CPU cores.', (s) => s.host.cpuCores),
    hostGauge('machine_cpu_physical_cores', 'Number of physical CPU cores.', (s) => s.host.cpuPhysicalCores ?? 0),
    hostGauge('machine_cpu_sockets', 'Number of CPU sockets.', (s) => s.host.cpuSockets ?? 0),
    hostGauge('machine_memory_bytes', 'Amount of memory installed on the machine.', (s) => s.host.memoryBytes),
    hostGauge('machine_scrape_error', '1 if there was an error while getting machine metrics, 0 otherwise.', machineError),
  ],
};
