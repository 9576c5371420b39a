// CRI-O: cgroup crio-<id>.scope, parent conmon (-c <id> -n <name> -b <bundle>), annotations io.kubernetes.cri-o.*.
import { basename, join } from 'node:path';
import { obj, readJson, stringRecord } from '../metadata.js';
import { flagValue } from '../shim-args.js';
import type { Candidate, Claim, DiscoveryContext, RuntimeAdapter } from '../types.js';
import { kubernetesLabels } from './containerd.js';

export function conmonArgs(c: Candidate): { id?: string; name?: string; bundle?: string; podman: boolean } | undefined {
  if (c.parent?.comm !== 'conmon' || !c.parentArgs) return undefined;
  const a = c.parentArgs;
  return {
    id: flagValue(a, '-c', '--cid'),
    name: flagValue(a, '-n', '--name'),
    bundle: flagValue(a, '-b', '--bundle'),
    // podman's conmon runs `--exit-command /usr/bin/podman` (podman cleans up after itself); CRI-O's has none.
    // Anything else in argv (a pod or container named podman-*) says nothing about who started it.
    podman: basename(flagValue(a, '--exit-command') ?? '') === 'podman',
  };
}

export const crioAdapter: RuntimeAdapter = {
  runtime: 'cri-o',
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
      name: pod && container ? `${pod}/${container}` : conmon?.name ?? id.slice(0, 12),
      image: annotations['io.kubernetes.cri-o.ImageName'] ?? annotations['io.kubernetes.cri-o.Image'] ?? '',
      state: 'running',
      labels,
      parentIsShim: conmon !== undefined,
      extra: conmon?.bundle ? { bundle: conmon.bundle } : {},
    };
  },
};
