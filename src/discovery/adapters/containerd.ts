// containerd (ctr, nerdctl, Kubernetes CRI): the shim (containerd-shim-runc-v2 -namespace <ns> -id <id>) runs in
// its bundle directory; for CRI one shim serves a whole pod and each container's bundle sits beside the sandbox's.
import { criLogSource } from './log-sources.js';
import { dirname, join } from 'node:path';
import { FULL_ID_HEX, shortId } from '../../text/ids.js';
import { obj, readJson, str, stringRecord } from '../metadata.js';
import { flagValue } from '../shim-args.js';
import { defineAdapter, type Candidate, type Claim, type DiscoveryContext } from '../types.js';
import { kubernetesLabels } from './shared.js';

/** Kubernetes pod/container, nerdctl's name, else the ID: ctr IDs are names a user chose, only hex IDs are shortened. */
function containerName(id: string, labels: Record<string, string>, annotations: Record<string, string>): string {
  const k8sName = labels['io.kubernetes.container.name'];
  const pod = labels['io.kubernetes.pod.name'];
  if (k8sName && pod) return `${pod}/${k8sName}`;
  if (pod && labels['io.kubernetes.container.type'] === 'sandbox') return `${pod}/POD`;
  const nerdctlName = annotations['nerdctl/name'];
  if (nerdctlName) return nerdctlName;
  return shortId(id);
}

/**
 * The overlayfs snapshotter's layers are snapshots/<n>/fs; which chain ID (and so which image layer) <n> is lives
 * only in its bolt database (metadata.db, keys like <namespace>/<n>/<chain-id>), a B+tree file tctop does not parse.
 */
function snapshotLayers(lowerDirs: readonly string[]) {
  return lowerDirs.map((dir) => {
    const n = /\/io\.containerd\.snapshotter\.v1\.[a-z]+\/snapshots\/(\d+)\/fs$/.exec(dir)?.[1];
    return n ? { storeId: n, note: "its digest is in the snapshotter's bolt database, which tctop does not read" } : {};
  });
}

export const containerdAdapter = defineAdapter({
  runtime: 'containerd',
  imageLayers: snapshotLayers,
  logSource: (c, ctx) => criLogSource(c, ctx, 'containerd'),
  cgroupNames: [
    new RegExp(`/cri-containerd-(${FULL_ID_HEX})\\.scope$`),
    // kubepods with the cgroupfs driver: the leaf is the bare container ID; the runtime is told by the shim
    new RegExp(`/kubepods[^/]*/(?:[^/]+/)?pod[0-9a-f_-]+/(${FULL_ID_HEX})$`),
  ],
  stateDirs: () => [{ path: '/run/containerd/io.containerd.runtime.v2.task', depth: 1 }],
  actionHint: (a, c) => {
    const ref = c.name || c.id;
    return a === 'remove' ? `ctr task delete ${ref}; ctr container rm ${ref}` : `ctr task kill ${ref} (or crictl ${a} ${ref})`;
  },
  claim(c: Candidate, ctx: DiscoveryContext): Claim | null {
    const isShim = (c.parent?.comm ?? '').startsWith('containerd-shim');
    if (!isShim && c.hint?.runtime !== 'containerd') return null;
    const args = c.parentArgs ?? [];
    const namespace = flagValue(args, '-namespace', '--namespace') ?? '';
    const id = c.hint?.runtime === 'containerd' ? c.hint.id : flagValue(args, '-id', '--id');
    if (!id) return null;
    // the shim's cwd is its own bundle; a pod's other containers have bundles beside it
    const shimCwd = c.parent ? ctx.reader.link(join(ctx.paths.proc, String(c.parent.hostPid), 'cwd')) : null;
    const bundle = shimCwd ? join(dirname(shimCwd), id) : undefined;
    const spec = bundle ? readJson(ctx, join(ctx.paths.root, bundle, 'config.json')) : null;
    const annotations = stringRecord(obj(spec).annotations);
    const labels = kubernetesLabels(annotations, 'io.kubernetes.cri');
    if (namespace) labels['io.containerd.namespace'] = namespace;
    return {
      runtime: 'containerd',
      id,
      name: containerName(id, labels, annotations),
      image: annotations['io.kubernetes.cri.image-name'] ?? str(obj(spec).image) ?? '',
      state: 'running',
      labels,
      parentIsShim: isShim,
      extra: bundle ? { bundle } : {},
    };
  },
});
