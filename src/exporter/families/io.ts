// Block IO from the cgroup (blkio on v1, io.stat on v2): container_fs_* summed over devices (the `device` label left
// empty), and cAdvisor's container_blkio_device_usage_total per device and operation.
import { CONTAINER_LABELS, perContainer, type Collector, type MetricDef } from '../family.js';
import { LabelSets } from '../label-sets.js';

const deviceLabels = new LabelSets<string>();

const deviceUsage: MetricDef = {
  name: 'container_blkio_device_usage_total',
  help: 'Blkio Device bytes usage',
  type: 'counter',
  labelNames: [...CONTAINER_LABELS, 'device', 'major', 'minor', 'operation'],
  collect(snapshot, emit) {
    for (const c of snapshot.containers) {
      const devices = c.cgroup?.io?.devices;
      if (!devices?.length) continue;
      for (const d of devices) {
        for (const [operation, value] of Object.entries(d.bytes)) {
          const key = `${d.device}\u0000${d.major}:${d.minor}\u0000${operation}`;
          const labels = deviceLabels.get(key, () => ({ device: d.device, major: String(d.major), minor: String(d.minor), operation }));
          emit(c, labels, value);
        }
      }
    }
  },
};

export const ioCollector: Collector = {
  name: 'io',
  description: 'container block IO bytes and operations, bytes per device and operation',
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
    deviceUsage,
  ],
};
