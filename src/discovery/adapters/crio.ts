// CRI-O: cgroup crio-<id>.scope, parent conmon (-c <id> -n <name> -b <bundle>), annotations io.kubernetes.cri-o.*.
import { criLogSource, conmonLogSource } from './log-sources.js';
import { join } from 'node:path';
import { FULL_ID_HEX, shortId } from '../../text/ids.js';
import { obj, readJson, stringRecord } from '../metadata.js';
import { defineAdapter, type Candidate, type Claim, type DiscoveryContext } from '../types.js';
import { conmonArgs, kubernetesLabels } from './shared.js';
import { containersStorageLayers } from './containers-storage-layers.js';

export const crioAdapter = defineAdapter({
  runtime: 'cri-o',
  logSource: (c, ctx) => (c.labels['io.kubernetes.pod.name'] ? criLogSource(c, ctx, 'CRI-O') : conmonLogSource(c, 'CRI-O')),
  imageLayers: containersStorageLayers,
  cgroupNames: [new RegExp(`/crio-(${FULL_ID_HEX})(?:\\.scope)?$`)],
  actionHint: (a, c) => `crictl ${a === 'remove' ? 'rm' : a} ${c.name || c.id}`,
  claim(c: Candidate, ctx: DiscoveryContext): Claim | null {
    const conmon = conmonArgs(c);
    if (c.hint?.runtime !== 'cri-o' && !(conmon && !conmon.podman)) return null;
    const id = c.hint?.runtime === 'cri-o' ? c.hint.id : conmon?.id;
    if (!id) return null;
    const spec = conmon?.bundle ? readJson(ctx, join(ctx.paths.root, conmon.bundle, 'config.json')) : null;
    const annotations = stringRecord(obj(spec).annotations);
    const labels = kubernetesLabels(annotations, 'io.kubernetes.cri-o');
    const pod = labels['io.kubernetes.pod.name'];
    const container = labels['io.kubernetes.container.name'];
    return {
      runtime: 'cri-o',
      id,
      name: pod && container ? `${pod}/${container}` : (conmon?.name ?? shortId(id)),
      image: annotations['io.kubernetes.cri-o.ImageName'] ?? annotations['io.kubernetes.cri-o.Image'] ?? '',
      state: 'running',
      labels,
      parentIsShim: conmon !== undefined,
      extra: conmon?.bundle ? { bundle: conmon.bundle } : {},
    };
  },
});
