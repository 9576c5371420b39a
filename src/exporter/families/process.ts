// Per-process series, off by default (cardinality grows with processes, not containers). Labels carry PIDs and
// comm only: never command lines, arguments or environments.
import type { ProcessInfo } from '../../snapshot/model.js';
import { CONTAINER_LABELS, type Collector, type MetricDef } from '../family.js';

function perProcess(name: string, help: string, type: MetricDef['type'], value: (p: ProcessInfo, ticks: number) => number): MetricDef {
  return {
    name,
    help,
    type,
    labelNames: [...CONTAINER_LABELS, 'pid', 'container_pid', 'comm'],
    collect(s, emit) {
      for (const c of s.containers) {
        for (const pid of c.pids) {
          const p = s.processes.get(pid);
          if (!p) continue;
          emit(c, { pid: String(p.hostPid), container_pid: String(p.containerPid), comm: p.comm }, value(p, s.host.clockTicks));
        }
      }
    },
  };
}

export const processCollector: Collector = {
  name: 'process',
  description: 'per-process CPU, RSS and threads with host and container PIDs; series grow with processes',
  enabledByDefault: false,
  metrics: [
    perProcess(
      'tctop_process_cpu_seconds_total',
      'CPU time of a container process (user + system).',
      'counter',
      (p, hz) => p.cpuTicks / hz,
    ),
    perProcess('tctop_process_resident_memory_bytes', 'Resident memory of a container process.', 'gauge', (p) => p.rssBytes),
    perProcess('tctop_process_threads', 'Threads of a container process.', 'gauge', (p) => p.threads),
  ],
};
