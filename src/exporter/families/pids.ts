// Processes and threads per container, from the processes the snapshot grouped into it.
import type { Container, HostSnapshot } from '../../snapshot/model.js';
import { perContainer, type Collector } from '../family.js';

function threadCount(c: Container, snapshot: HostSnapshot): number {
  let threads = 0;
  for (const pid of c.pids) threads += snapshot.processes.get(pid)?.threads ?? 1;
  return threads;
}

export const pidsCollector: Collector = {
  name: 'pids',
  description: 'container process and thread counts, pids limit',
  enabledByDefault: true,
  metrics: [
    perContainer({
      name: 'container_processes',
      help: 'Number of processes running inside the container.',
      type: 'gauge',
      value: (c) => c.pids.length,
    }),
    perContainer({
      name: 'container_threads',
      help: 'Number of threads running inside the container',
      type: 'gauge',
      value: threadCount,
    }),
    perContainer({
      name: 'container_threads_max',
      help: 'Maximum number of threads allowed inside the container, infinity if value is zero',
      type: 'gauge',
      value: (c) => (c.cgroup?.pids ? (c.cgroup.pids.limit ?? 0) : undefined),
    }),
  ],
};
