// Block IO from the cgroup (blkio on v1, io.stat on v2), summed over devices: the model has no per-device split,
// so the cAdvisor `device` label is left empty.
import { perContainer, type Collector } from '../family.js';

export const ioCollector: Collector = {
  name: 'io',
  description: 'container block IO bytes and operations',
  enabledByDefault: true,
  metrics: [
    perContainer({
      name: 'container_fs_reads_bytes_total',
      help: 'Cumulative count of bytes read',
      type: 'counter',
      constLabels: { device: '' },
      value: (c) => c.cgroup?.io?.readBytes,
    }),
    perContainer({
      name: 'container_fs_writes_bytes_total',
      help: 'Cumulative count of bytes written',
      type: 'counter',
      constLabels: { device: '' },
      value: (c) => c.cgroup?.io?.writeBytes,
    }),
    perContainer({
      name: 'container_fs_reads_total',
      help: 'Cumulative count of reads completed',
      type: 'counter',
      constLabels: { device: '' },
      value: (c) => c.cgroup?.io?.readOps,
    }),
    perContainer({
      name: 'container_fs_writes_total',
      help: 'Cumulative count of writes completed',
      type: 'counter',
      constLabels: { device: '' },
      value: (c) => c.cgroup?.io?.writeOps,
    }),
  ],
};
