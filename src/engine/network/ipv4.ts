// IPv4 addresses as 32-bit numbers: subnets, their hosts, /proc/net/route's little-endian hex.
import { UsageError } from '../../errors.js';

export interface Subnet {
  /** Network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

export function parseIp(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** "10.88.0.0/16" (host bits must be zero); a subnet too small for a gateway and one container is refused. */
export function parseSubnet(text: string, what: string): Subnet {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text.trim());
  const base = m ? parseIp(m[1]) : null;
  const prefix = m ? Number(m[2]) : NaN;
  if (base === null || !(prefix >= 8 && prefix <= 30))
    throw new UsageError(`invalid subnet "${text.slice(0, 40)}" in ${what}: expected a.b.c.d/8..30`);
  if ((base & ~maskOf(prefix)) >>> 0 !== 0) throw new UsageError(`invalid subnet "${text.slice(0, 40)}" in ${what}: host bits are set`);
  return { base, prefix };
}

export function formatSubnet(s: Subnet): string {
  return `${formatIp(s.base)}/${s.prefix}`;
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  return (a.base & maskOf(prefix)) >>> 0 === (b.base & maskOf(prefix)) >>> 0;
}

/** The gateway (the bridge's own address) is the first host; containers get the ones after it. */
export function gatewayOf(s: Subnet): number {
  return s.base + 1;
}

export function lastHostOf(s: Subnet): number {
  return ((s.base | ~maskOf(s.prefix)) >>> 0) - 1; // the broadcast address is last
}

/** /proc/net/route holds addresses as little-endian hex. */
export function parseRouteHex(hex: string): number {
  const n = parseInt(hex, 16) >>> 0;
  return (((n & 255) << 24) | (((n >>> 8) & 255) << 16) | (((n >>> 16) & 255) << 8) | (n >>> 24)) >>> 0;
}
