// Processes and threads per container, from the processes the snapshot grouped into it.
import type { Container, HostSnapshot } from '../../snapshot/model.js';
import { CONTAINER_LABELS, perContainer, type Collector, type Labels, type MetricDef } from '../family.js';

function threadCount(c: Container, snapshot: HostSnapshot): number {
  let threads = 0;
  for (const pid of c.pids) threads += snapshot.processes.get(pid)?.threads ?? 1;
  return threads;
}

/** /proc/<pid>/stat's state letters, as cAdvisor's state names (the kernel's cgroupstats counts the same way). */
type TaskState = 'running' | 'sleeping' | 'uninterruptible' | 'stopped';
const TASK_STATES: Record<string, TaskState> = {
  R: 'running',
  S: 'sleeping',
  D: 'uninterruptible',
  T: 'stopped',
  t: 'stopped',
};

/**
 * Processes of the container by state, from the stat every scan reads anyway (no extra read). cAdvisor counts
 * threads through netlink cgroupstats; this counts processes (their main thread's state). cAdvisor's `iowaiting` is
 * not exported: /proc does not say which task waits on IO.
 */
const STATE_LABELS: Record<TaskState, Labels> = {
  running: { state: 'running' },
  sleeping: { state: 'sleeping' },
  uninterruptible: { state: 'uninterruptible' },
  stopped: { state: 'stopped' },
};

const tasksState: MetricDef = {
  name: 'container_tasks_state',
  help: 'Number of tasks in given state',
  type: 'gauge',
  labelNames: [...CONTAINER_LABELS, 'state'],
  collect(snapshot, emit) {
    for (const c of snapshot.containers) {
      if (c.pids.length === 0) continue;
      const counts = { running: 0, sleeping: 0, uninterruptible: 0, stopped: 0 };
      for (const pid of c.pids) {
        const state = TASK_STATES[snapshot.processes.get(pid)?.state ?? ''];
        if (state) counts[state]++;
      }
      for (const [state, n] of Object.entries(counts)) emit(c, STATE_LABELS[state as TaskState], n);
    }
  },
};

export const pidsCollector: Collector = {
  name: 'pids',
  description: 'container process and thread counts, processes by state, pids limit',
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
    tasksState,
  ],
};
