// The host bridge of a tctop root (tctop0 by default): made on first use with the subnet's first address, IPv4
// forwarding on (as docker turns it on), route_localnet on the bridge (so 127.0.0.1's DNAT'd packets may leave
// through it, as docker does without its userland proxy), and tctop's nft table. Kept afterwards, as docker keeps
// docker0.
import { existsSync, writeFileSync } from 'node:fs';
import { hostRoutes, type NetworkConfig } from './config.js';
import { formatIp, formatSubnet, gatewayOf, overlaps } from './ipv4.js';
import { applyBase } from './nft.js';
import { runTool } from './run-tool.js';
import { NativeError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';

export function bridgeExists(bridge: string): boolean {
  return existsSync(`/sys/class/net/${bridge}/bridge`);
}

function sysctl(path: string, value: string): void {
  try {
    writeFileSync(path, value);
  } catch (err) {
    throw new NativeError(`cannot set ${path} to ${value}: ${(err as Error).message}`);
  }
}

export async function ensureBridge(cfg: NetworkConfig): Promise<void> {
  if (bridgeExists(cfg.bridge)) return;
  if (existsSync(`/sys/class/net/${cfg.bridge}`))
    throw new NativeError(`cannot use ${cfg.bridge} as tctop's bridge: an interface of that name exists and is not a bridge`);
  const clash = hostRoutes().find((r) => overlaps(r.subnet, cfg.subnet));
  if (clash)
    throw new NativeError(
      `cannot create bridge ${cfg.bridge}: subnet ${formatSubnet(cfg.subnet)} overlaps the host's route to ${formatSubnet(clash.subnet)} on ${clash.iface}`,
    );
  const gw = `${formatIp(gatewayOf(cfg.subnet))}/${cfg.subnet.prefix}`;
  const script = [`link add ${cfg.bridge} type bridge`, `addr add ${gw} dev ${cfg.bridge}`, `link set ${cfg.bridge} up`, ''].join('\n');
  const r = await runTool('ip', ['-batch', '-'], script);
  // another create may have made it meanwhile: then it is there, and that is what counts
  if (r.code !== 0 && !bridgeExists(cfg.bridge))
    throw new NativeError(`cannot create bridge ${cfg.bridge}: ${cell(r.stderr.trim().split('\n')[0] ?? '', 300)}`);
  sysctl('/proc/sys/net/ipv4/ip_forward', '1');
  sysctl(`/proc/sys/net/ipv4/conf/${cfg.bridge}/route_localnet`, '1');
  await applyBase(cfg.bridge, cfg.bridge, cfg.subnet);
}
