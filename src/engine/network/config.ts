// Which bridge and subnet a tctop root uses: $TCTOP_NETWORK_BRIDGE / $TCTOP_NETWORK_SUBNET, else
// <root>/network/config.json, else tctop0 on the first candidate subnet that no host route overlaps (then written to
// config.json, so the choice stays put once the bridge's own route is in the table).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { writeFileAtomic } from '../atomic-write.js';
import { formatSubnet, overlaps, parseRouteHex, parseSubnet, type Subnet } from './ipv4.js';

export const DEFAULT_BRIDGE = 'tctop0';

/** podman's, then further private /16s: docker's 172.17-31 are left to docker. */
const CANDIDATES = [
  '10.88.0.0/16',
  '10.89.0.0/16',
  '10.90.0.0/16',
  '10.91.0.0/16',
  '10.92.0.0/16',
  '10.93.0.0/16',
  '10.94.0.0/16',
  '10.95.0.0/16',
  '10.96.0.0/16',
  '10.97.0.0/16',
  '10.98.0.0/16',
  '10.99.0.0/16',
  '192.168.200.0/24',
  '192.168.201.0/24',
];

export interface NetworkConfig {
  bridge: string;
  subnet: Subnet;
  /** Chosen now from the host's routes, not configured. */
  picked?: boolean;
}

export function networkDir(root: string): string {
  return join(root, 'network');
}

/** Linux interface names: at most 15 bytes, no '/', whitespace or ':'; tctop's nft table is named after it. */
export function validBridgeName(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]{0,14}$/.test(name);
}

interface RouteEntry {
  iface: string;
  subnet: Subnet;
}

/** The main table's IPv4 routes, default route left out (it overlaps everything). */
export function hostRoutes(text?: string): RouteEntry[] {
  let table = text;
  if (table === undefined) {
    try {
      table = readFileSync('/proc/net/route', 'utf8');
    } catch {
      return [];
    }
  }
  const out: RouteEntry[] = [];
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const mask = parseRouteHex(f[7]);
    if (mask === 0) continue;
    const prefix = Math.clz32(~mask); // a contiguous mask: its leading ones
    out.push({ iface: f[0], subnet: { base: (parseRouteHex(f[1]) & mask) >>> 0, prefix } });
  }
  return out;
}

/** The subnet for a bridge: its own route if it exists already, else the first candidate no route overlaps. */
export function pickSubnet(bridge: string, routes: RouteEntry[] = hostRoutes()): Subnet {
  const own = routes.find((r) => r.iface === bridge);
  if (own) return own.subnet;
  for (const c of CANDIDATES) {
    const s = parseSubnet(c, 'the candidates');
    if (!routes.some((r) => overlaps(r.subnet, s))) return s;
  }
  throw new UsageError(`every candidate subnet for ${bridge} overlaps a host route: set TCTOP_NETWORK_SUBNET`);
}

export function loadNetworkConfig(root: string): NetworkConfig {
  const file = join(networkDir(root), 'config.json');
  let stored: { bridge?: unknown; subnet?: unknown } = {};
  try {
    stored = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    /* none yet */
  }
  const bridge = process.env.TCTOP_NETWORK_BRIDGE || (typeof stored.bridge === 'string' ? stored.bridge : DEFAULT_BRIDGE);
  if (!validBridgeName(bridge)) throw new UsageError(`invalid bridge name "${bridge.slice(0, 40)}": letters, digits and _ (at most 15)`);
  const fromEnv = process.env.TCTOP_NETWORK_SUBNET;
  if (fromEnv) return { bridge, subnet: parseSubnet(fromEnv, 'TCTOP_NETWORK_SUBNET') };
  if (typeof stored.subnet === 'string' && stored.bridge === bridge) return { bridge, subnet: parseSubnet(stored.subnet, file) };
  return { bridge, subnet: pickSubnet(bridge), picked: true };
}

/** A picked subnet is kept once its bridge exists (its route then makes pickSubnet find it anyway). */
export function persistNetworkConfig(root: string, cfg: NetworkConfig): void {
  if (!cfg.picked) return;
  mkdirSync(networkDir(root), { recursive: true, mode: 0o700 });
  writeFileAtomic(join(networkDir(root), 'config.json'), JSON.stringify({ bridge: cfg.bridge, subnet: formatSubnet(cfg.subnet) }) + '\n');
}
