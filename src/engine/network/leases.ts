// The address and host-port allocator of a tctop root: one file per leased address (<root>/network/leases/<ip>) and
// per reserved host port (<root>/network/ports/<proto>-<port>), each holding the container's ID. Taken with an
// exclusive create (O_EXCL), so two runs can never hold the same one even outside create's names lock; released by
// unlinking; a lease whose container is gone is swept (sweep.ts).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, errnoOf } from '../../errors.js';
import { formatIp, formatSubnet, gatewayOf, lastHostOf, type Subnet } from './ipv4.js';
import { networkDir } from './config.js';

export function leasesDir(root: string): string {
  return join(networkDir(root), 'leases');
}

export function portsDir(root: string): string {
  return join(networkDir(root), 'ports');
}

function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

function claim(path: string, id: string): boolean {
  try {
    writeFileSync(path, id + '\n', { flag: 'wx', mode: 0o600 });
    return true;
  } catch (err) {
    if (errnoOf(err) === 'EEXIST') return false;
    throw err;
  }
}

export function listLeases(dir: string): Array<{ name: string; id: string }> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: Array<{ name: string; id: string }> = [];
  for (const name of names) {
    try {
      out.push({ name, id: readFileSync(join(dir, name), 'utf8').trim() });
    } catch {
      /* released meanwhile */
    }
  }
  return out;
}

/** The lowest free address after the gateway. */
export function leaseAddress(root: string, subnet: Subnet, id: string): string {
  const dir = leasesDir(root);
  ensureDir(dir);
  const taken = new Set(listLeases(dir).map((l) => l.name));
  for (let n = gatewayOf(subnet) + 1; n <= lastHostOf(subnet); n++) {
    const ip = formatIp(n);
    if (!taken.has(ip) && claim(join(dir, ip), id)) return ip;
  }
  throw new ConflictError(
    `no free address left in subnet ${formatSubnet(subnet)} (${taken.size} leased): remove containers or set a larger TCTOP_NETWORK_SUBNET`,
  );
}

export function portKey(proto: string, port: number): string {
  return `${proto}-${port}`;
}

/** false if another container of this root holds it. */
export function reservePort(root: string, proto: string, port: number, id: string): boolean {
  ensureDir(portsDir(root));
  return claim(join(portsDir(root), portKey(proto, port)), id);
}

export function releasePort(root: string, proto: string, port: number): void {
  rmSync(join(portsDir(root), portKey(proto, port)), { force: true });
}

export function portReserved(root: string, proto: string, port: number): boolean {
  try {
    readFileSync(join(portsDir(root), portKey(proto, port)));
    return true;
  } catch {
    return false;
  }
}

/** Every lease and port reservation of one container. */
export function releaseAll(root: string, id: string): void {
  for (const dir of [leasesDir(root), portsDir(root)]) {
    for (const l of listLeases(dir)) if (l.id === id) rmSync(join(dir, l.name), { force: true });
  }
}
