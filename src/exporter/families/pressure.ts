// Pressure stall information (cgroup v2 only): "waiting" is PSI some, "stalled" is PSI full, as cAdvisor names them.
import type { Container } from '../../snapshot/model.js';
import { perContainer, type Collector, type MetricDef } from '../family.js';

type Resource = 'cpu' | 'memory' | 'io';

function psi(resource: Resource, kind: 'waiting' | 'stalled', help: string): MetricDef {
  return perContainer({
    name: `container_pressure_${resource}_${kind}_seconds_total`,
    help,
    type: 'counter',
    value: (c: Container) => {
      const p = c.cgroup?.pressure?.[resource];
      if (!p) return undefined;
      const micros = kind === 'waiting' ? p.someTotalMicros : p.fullTotalMicros;
      return micros === undefined ? undefined : micros / 1e6;
    },
  });
}

export const pressureCollector: Collector = {
  name: 'pressure',
  description: 'cgroup v2 pressure stall information (PSI) for CPU, memory and IO',
  enabledByDefault: true,
  metrics: [
    psi('cpu', 'waiting', 'Total time duration tasks in the container have waited due to CPU congestion.'),
    psi('cpu', 'stalled', 'Total time duration no tasks in the container could make progress due to CPU congestion.'),
    psi('memory', 'waiting', 'Total time duration tasks in the container have waited due to memory congestion.'),
    psi('memory', 'stalled', 'Total time duration no tasks in the container could make progress due to memory congestion.'),
    psi('io', 'waiting', 'Total time duration tasks in the container have waited due to IO congestion.'),
    psi('io', 'stalled', 'Total time duration no tasks in the container could make progress due to IO congestion.'),
  ],
};
