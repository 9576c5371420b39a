// What more than one adapter knows: CRI's Kubernetes annotations (containerd, CRI-O) and conmon's command line
// (CRI-O, podman). Only adapters import this; a helper one runtime uses stays in its adapter.
import { basename } from 'node:path';
import { flagValue } from '../shim-args.js';
import type { Candidate } from '../types.js';

/** Kubernetes names from CRI annotations, as labels users of kubectl recognise. */
export function kubernetesLabels(
  annotations: Record<string, string>,
  prefix: 'io.kubernetes.cri' | 'io.kubernetes.cri-o',
): Record<string, string> {
  const pick = (...keys: string[]) => keys.map((k) => annotations[k]).find((v) => v !== undefined);
  const labels: Record<string, string> = {};
  const pod = pick(`${prefix}.sandbox-name`, 'io.kubernetes.pod.name');
  const ns = pick(`${prefix}.sandbox-namespace`, 'io.kubernetes.pod.namespace');
  const container = pick(`${prefix}.container-name`, 'io.kubernetes.container.name', `${prefix}.ContainerName`);
  const type = pick(`${prefix}.container-type`, `${prefix}.ContainerType`);
  if (pod) labels['io.kubernetes.pod.name'] = pod;
  if (ns) labels['io.kubernetes.pod.namespace'] = ns;
  if (container) labels['io.kubernetes.container.name'] = container;
  if (type) labels['io.kubernetes.container.type'] = type;
  return labels;
}

/** conmon's -c/-n/-b flags, and whether podman started it; undefined when the init's parent is no conmon. */
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
