// --network: bridge (the default, as docker's), none (loopback only), host, container:<ref> (join a running
// container's namespace, as a pod's containers share one). Checked before anything is made.
import { ConflictError, UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import { shimAlive } from '../containers/exit-wait.js';
import { isSameProcess } from '../containers/proc-identity.js';
import { resolveContainer } from '../containers/store.js';
import type { NetworkAttachment } from './attach.js';
import type { PortRequest } from './ports.js';

export type NetworkMode = 'bridge' | 'none' | 'host' | `container:${string}`;

export function parseNetworkMode(value: string): NetworkMode {
  if (value === 'bridge' || value === 'default') return 'bridge';
  if (value === 'none' || value === 'host') return value;
  if (value.startsWith('container:') && value.length > 'container:'.length) return value as NetworkMode;
  throw new UsageError(`invalid --network "${cell(value, 50)}": use bridge, none, host or container:<name|id>`);
}

/** docker refuses these combinations too. */
export function checkPublish(mode: NetworkMode, ports: PortRequest[], publishAll: boolean): void {
  if (ports.length === 0 && !publishAll) return;
  if (mode !== 'bridge') throw new UsageError(`conflicting options: port publishing (-p/-P) needs --network bridge, not ${cell(mode, 80)}`);
}

/** The namespace a container:<ref> container joins: the target must be running, its namespace its own. */
export function joinedNetwork(root: string, mode: `container:${string}`): NetworkAttachment {
  const ref = mode.slice('container:'.length);
  const target = resolveContainer(root, ref);
  const shown = `${target.name} (${target.id.slice(0, 12)})`;
  if (target.status !== 'running' || !shimAlive(target) || !isSameProcess(target.pid, target.pidStartTime)) {
    throw new ConflictError(`cannot join the network of container ${cell(shown, 100)}: it is not running`);
  }
  if (target.config.network === 'host') throw new UsageError(`container ${cell(shown, 100)} uses the host's network: use --network host`);
  // a bridged target (or one joined to another) has a namespace file that outlives its processes; a none one has
  // only its init's
  const net = (target as { net?: NetworkAttachment }).net;
  const netns = net?.netns ?? `/proc/${target.pid}/ns/net`;
  return { mode: 'container', netns, container: target.id, ports: [], address: net?.address };
}
