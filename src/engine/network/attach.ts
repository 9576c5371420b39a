// One container on the bridge: a network namespace of its own kept in a file (<root>/netns/<id>, an nsfs bind mount
// as `ip netns add` makes), a veth pair (tc<12 hex of the ID> on the bridge, eth0 inside), an address leased from the
// subnet, a default route via the bridge, and the published ports' DNAT rules. The shim's init joins the namespace
// (launch.conf `netns`). Undone whole by teardownNetwork, which is also what the debris sweep calls.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadNetworkConfig, persistNetworkConfig } from './config.js';
import { bridgeExists, ensureBridge } from './bridge.js';
import { withHostNetworkLock } from '../containers/locks.js';
import { formatIp, gatewayOf } from './ipv4.js';
import { leaseAddress, releaseAll } from './leases.js';
import { baseScript, deletePortRules, portRules } from './nft.js';
import { reservePorts, type PortBinding, type PortRequest } from './ports.js';
import { mustRun, runTool } from './run-tool.js';

/** What state.json keeps of a container's network (ContainerState.net). */
export interface NetworkAttachment {
  mode: 'bridge' | 'container';
  /** The namespace file the init joins. */
  netns: string;
  bridge?: string;
  table?: string;
  address?: string;
  prefix?: number;
  gateway?: string;
  veth?: string;
  ports: PortBinding[];
  /** mode container: whose namespace. */
  container?: string;
}

export function netnsDir(root: string): string {
  return join(root, 'netns');
}

export function netnsPath(root: string, id: string): string {
  return join(netnsDir(root), id);
}

export function vethName(id: string): string {
  return `tc${id.slice(0, 12)}`;
}

export async function attachBridge(root: string, id: string, ports: PortRequest[]): Promise<NetworkAttachment> {
  let cfg = loadNetworkConfig(root);
  if (!bridgeExists(cfg.bridge)) {
    // host-wide: two roots making their bridges at once must not both pick the same free subnet
    cfg = await withHostNetworkLock(async () => {
      const fresh = loadNetworkConfig(root);
      await ensureBridge(fresh);
      persistNetworkConfig(root, fresh);
      return fresh;
    });
  } else persistNetworkConfig(root, cfg);
  const address = leaseAddress(root, cfg.subnet, id);
  const bindings = await reservePorts(root, id, ports);
  const netns = netnsPath(root, id);
  const veth = vethName(id);
  const gateway = formatIp(gatewayOf(cfg.subnet));
  const att: NetworkAttachment = {
    mode: 'bridge',
    netns,
    bridge: cfg.bridge,
    table: cfg.bridge,
    address,
    prefix: cfg.subnet.prefix,
    gateway,
    veth,
    ports: bindings,
  };
  mkdirSync(netnsDir(root), { recursive: true, mode: 0o700 });
  writeFileSync(netns, '', { mode: 0o600 });
  // inside the new namespace: eth0 with its peer sent out to ours (this process's namespace: the host's)
  const inside = [
    `link add eth0 type veth peer name ${veth} netns /proc/${process.pid}/ns/net`,
    'link set lo up',
    `addr add ${address}/${cfg.subnet.prefix} dev eth0`,
    'link set eth0 up',
    `route add default via ${gateway}`,
    '',
  ].join('\n');
  // one spawn from node (a fork of this process costs more than dash's): the rules (nft needs nothing of the
  // namespace, and takes tens of ms loading the ruleset) in the background, meanwhile the namespace and everything in
  // it, then the host end onto the bridge; both are over before this returns, so a teardown never races a rule
  const script = [
    bindings.length ? '(printf "%s" "$4" | nft -f - 2>/dev/null || printf "%s" "$5" | nft -f -) & rules=$!' : 'rules=',
    'unshare --net="$1" ip -batch - && ip link set "$2" master "$3" up; links=$?',
    'r=0; [ -z "$rules" ] || { wait "$rules"; r=$?; }',
    '[ "$links" -eq 0 ] && [ "$r" -eq 0 ]',
  ].join('\n');
  // the second script remakes the table first, in case someone flushed the ruleset since the bridge was made
  const rules = portRules(cfg.bridge, id, address, bindings);
  await mustRun(
    'sh',
    ['-c', script, 'sh', netns, veth, cfg.bridge, rules, baseScript(cfg.bridge, cfg.bridge, cfg.subnet) + rules],
    inside,
    `network of ${id.slice(0, 12)}`,
  );
  return att;
}

/** Everything attachBridge made for `id`, whatever got made before a failure or a crash; never throws. */
export async function teardownNetwork(root: string, id: string, opts: { table?: string; hadPorts?: boolean } = {}): Promise<void> {
  const t = opts.table ?? safeBridge(root);
  const veth = vethName(id);
  const netns = netnsPath(root, id);
  const links: string[] = [];
  if (existsSync(`/sys/class/net/${veth}`)) links.push(`ip link del "${veth}" 2>/dev/null`);
  if (existsSync(netns)) links.push('umount "$1" 2>/dev/null');
  // the rules and the links at once, one spawn each (a lost umount is retried by the next sweep)
  await Promise.all([
    t && opts.hadPorts !== false ? deletePortRules(t, (owner) => owner === id).catch(() => {}) : undefined,
    links.length ? runTool('sh', ['-c', links.join('; ') + '; exit 0', 'sh', netns]).catch(() => {}) : undefined,
  ]);
  if (existsSync(netns)) {
    try {
      rmSync(netns, { force: true });
    } catch {
      /* still mounted (umount failed): the next sweep tries again */
    }
  }
  try {
    releaseAll(root, id);
  } catch {
    /* unreadable lease dir: swept next time */
  }
}

function safeBridge(root: string): string | undefined {
  try {
    return loadNetworkConfig(root).bridge;
  } catch {
    return undefined;
  }
}
