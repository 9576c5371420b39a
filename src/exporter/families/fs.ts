// cAdvisor's filesystem usage series for each container's writable layer (its overlay upper dir), with `device` the
// host filesystem holding it: usage from the background walker's last finished walk (snapshot.writableLayers, at
// most a refresh interval old), limit and inodes from that filesystem (statfs), as cAdvisor reports them.
import type { HostSnapshot } from '../../snapshot/model.js';
import type { WritableLayerUsage } from '../../snapshot/rootfs/fs-usage-cache.js';
import { CONTAINER_LABELS, type Collector, type MetricDef } from '../family.js';
import { LabelSets } from '../label-sets.js';

const deviceLabels = new LabelSets<string>();

function layerGauge(name: string, help: string, value: (u: WritableLayerUsage) => number | undefined): MetricDef {
  return {
    name,
    help,
    type: 'gauge',
    labelNames: [...CONTAINER_LABELS, 'device'],
    collect(s: HostSnapshot, emit) {
      const layers = s.writableLayers;
      if (!layers?.size) return;
      for (const c of s.containers) {
        const u = layers.get(c.id);
        const v = u ? value(u) : undefined;
        if (v === undefined || !Number.isFinite(v)) continue;
        emit(
          c,
          deviceLabels.get(u!.device, (device) => ({ device })),
          v,
        );
      }
    },
  };
}

export const fsCollector: Collector = {
  name: 'fs',
  description: "container writable layer usage (walked in the background, at most once a minute) and its filesystem's size and inodes",
  enabledByDefault: true,
  metrics: [
    layerGauge('container_fs_usage_bytes', 'Number of bytes that are consumed by the container on this filesystem.', (u) => u.usageBytes),
    layerGauge(
      'container_fs_limit_bytes',
      'Number of bytes that can be consumed by the container on this filesystem.',
      (u) => u.limitBytes,
    ),
    layerGauge('container_fs_inodes_free', 'Number of available Inodes', (u) => u.inodesFree),
    layerGauge('container_fs_inodes_total', 'Number of Inodes', (u) => u.inodesTotal),
  ],
};
