// Container cgroup paths, as every runtime and cgroup driver writes them (v1 and v2 alike).
import { FULL_ID_HEX } from '../text/ids.js';
import type { CgroupHint } from './types.js';

const HEX64 = `(${FULL_ID_HEX})`;
const RULES: Array<{ re: RegExp; runtime: CgroupHint['runtime']; group?: number }> = [
  { re: new RegExp(`/docker/${HEX64}$`), runtime: 'docker' },
  { re: new RegExp(`/docker-${HEX64}\\.scope$`), runtime: 'docker' },
  { re: new RegExp(`/cri-containerd-${HEX64}\\.scope$`), runtime: 'containerd' },
  { re: new RegExp(`/crio-${HEX64}(?:\\.scope)?$`), runtime: 'cri-o' },
  { re: new RegExp(`/libpod-${HEX64}(?:\\.scope)?$`), runtime: 'podman' },
  { re: new RegExp(`/tctop/${HEX64}$`), runtime: 'tctop' },
  { re: /\/lxc\.payload\.([^/]+)$/, runtime: 'lxc' },
  { re: /^\/lxc\/([^/]+)$/, runtime: 'lxc' },
  // kubepods with the cgroupfs driver: the leaf is the bare container ID; the runtime is told by the shim
  { re: new RegExp(`/kubepods[^/]*/(?:[^/]+/)?pod[0-9a-f_-]+/${HEX64}$`), runtime: 'containerd' },
];

/** The container a cgroup path belongs to, or undefined for host, pod-level and runtime-internal cgroups. */
export function matchContainerCgroup(path: string): CgroupHint | undefined {
  for (const r of RULES) {
    const m = r.re.exec(path);
    if (m) return { runtime: r.runtime, id: m[1] };
  }
  return undefined;
}
