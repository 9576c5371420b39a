// The adapters, in the order they are asked. Specific evidence first (a runtime's own cgroup name or shim), the
// generic ones last: docker before containerd (Docker's containers run under containerd's shim too), CRI-O before
// podman (both use conmon), runc (state files only) after the shim-based ones. Unclaimed groups become 'sandbox'.
// The runtimes' names (RuntimeName) are the ones these declare: a runtime is named in its adapter and nowhere else.
import type { RuntimeAdapter, RuntimeKnowledge } from '../types.js';
import { containerdAdapter } from './containerd.js';
import { crioAdapter } from './crio.js';
import { dockerAdapter } from './docker.js';
import { lxcAdapter } from './lxc.js';
import { nspawnAdapter } from './nspawn.js';
import { podmanAdapter } from './podman.js';
import { runcAdapter } from './runc.js';
import { sandboxRuntime } from './sandbox.js';
import { tctopAdapter } from './tctop.js';

export const ADAPTERS = [
  tctopAdapter,
  dockerAdapter,
  podmanAdapter,
  crioAdapter,
  containerdAdapter,
  lxcAdapter,
  nspawnAdapter,
  runcAdapter,
] as const satisfies readonly RuntimeAdapter[];

/** Every runtime tctop shows, the catch-all last: what the dashboard asks (state dirs, hints) beyond discovery. */
export const RUNTIMES = [...ADAPTERS, sandboxRuntime] as const satisfies readonly RuntimeKnowledge[];

/** A runtime tctop knows: the name one of the adapters above (or the catch-all) declares. */
export type RuntimeName = (typeof RUNTIMES)[number]['runtime'];

export function runtimeKnowledge(runtime: RuntimeName): RuntimeKnowledge | undefined {
  return RUNTIMES.find((r) => r.runtime === runtime);
}
