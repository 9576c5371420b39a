// Published ports: docker's -p forms parsed, -P's exposed ports, and whether a host port is free (nothing on the host
// holds it, no container of this root publishes it). Rules come from nft.ts.
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { ConflictError, UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import { parseIp } from './ipv4.js';
import { portReserved, releasePort, reservePort } from './leases.js';

export type Proto = 'tcp' | 'udp';

export interface PortRequest {
  /** '' = every host address (docker's 0.0.0.0). */
  hostIp: string;
  /** 0 = a free one is picked. */
  hostPort: number;
  containerPort: number;
  proto: Proto;
}

export interface PortBinding {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  proto: Proto;
}

function port(text: string, what: string, spec: string, allowZero = false): number {
  const n = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(n >= (allowZero ? 0 : 1) && n <= 65535))
    throw new UsageError(
      `invalid -p "${cell(spec, 100)}": bad ${what} "${cell(text, 20)}"${text.includes('-') ? ' (port ranges are not supported)' : ''}`,
    );
  return n;
}

/** [hostIp:][hostPort:]containerPort[/tcp|udp], as docker run -p. */
export function parsePublish(spec: string): PortRequest {
  let rest = spec;
  let proto: Proto = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    const p = rest.slice(slash + 1);
    if (p !== 'tcp' && p !== 'udp') throw new UsageError(`invalid -p "${cell(spec, 100)}": protocol must be tcp or udp`);
    proto = p;
    rest = rest.slice(0, slash);
  }
  const parts = rest.split(':');
  if (parts.length > 3 || parts.length === 0)
    throw new UsageError(
      `invalid -p "${cell(spec, 100)}": use [hostIp:]hostPort:containerPort[/tcp|udp] (IPv6 host addresses are not supported)`,
    );
  const containerPort = port(parts[parts.length - 1], 'container port', spec);
  const hostPortText = parts.length >= 2 ? parts[parts.length - 2] : '';
  const hostPort = hostPortText === '' ? 0 : port(hostPortText, 'host port', spec);
  const hostIp = parts.length === 3 ? parts[0] : '';
  if (hostIp !== '' && parseIp(hostIp) === null)
    throw new UsageError(`invalid -p "${cell(spec, 100)}": bad host address "${cell(hostIp, 40)}" (IPv4 only)`);
  return { hostIp: hostIp === '0.0.0.0' ? '' : hostIp, hostPort, containerPort, proto };
}

/** The image's ExposedPorts ("80/tcp": {}) for -P. */
export function exposedPorts(exposed: unknown): PortRequest[] {
  if (!exposed || typeof exposed !== 'object') return [];
  const out: PortRequest[] = [];
  for (const key of Object.keys(exposed)) {
    const m = /^(\d{1,5})(?:\/(tcp|udp))?$/.exec(key);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535) continue; // sctp and ranges: not published
    out.push({ hostIp: '', hostPort: 0, containerPort: Number(m[1]), proto: (m[2] as Proto) ?? 'tcp' });
  }
  return out;
}

/**
 * Whether the host port can be had: a bind (then closed at once) on the address the rule will match, as docker's
 * proxy would bind it. Cheaper and truer than reading /proc/net/tcp, which the kernel makes by walking its whole
 * socket hash table (tens of ms on a big host), and it sees every listener, IPv6 dual-stack ones included.
 */
export function portBindable(proto: Proto, port: number, hostIp = ''): Promise<boolean> {
  const host = hostIp || '0.0.0.0';
  return new Promise((resolve) => {
    if (proto === 'tcp') {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(true)));
    } else {
      const s = createSocket('udp4');
      s.once('error', () => {
        s.close();
        resolve(false);
      });
      s.bind({ port, address: host, exclusive: true }, () => s.close(() => resolve(true)));
    }
  });
}

function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo > 0 && hi >= lo && hi <= 65535) return [lo, hi];
  } catch {
    /* docker's defaults */
  }
  return [32768, 60999];
}

const RANDOM_TRIES = 500;

/**
 * Every request gets its host port reserved for container `id` (a random free one for hostPort 0), or the call throws;
 * what it reserved before is handed back by the caller's teardown (leases.releaseAll).
 */
export async function reservePorts(root: string, id: string, requests: PortRequest[]): Promise<PortBinding[]> {
  const out: PortBinding[] = [];
  for (const r of requests) {
    const shown = `${r.hostIp || '0.0.0.0'}:${r.hostPort}/${r.proto}`;
    if (r.hostPort !== 0) {
      if (!reservePort(root, r.proto, r.hostPort, id))
        throw new ConflictError(`cannot publish ${shown}: port ${r.hostPort}/${r.proto} is already published by another container`);
      if (!(await portBindable(r.proto, r.hostPort, r.hostIp)))
        throw new ConflictError(`cannot publish ${shown}: port ${r.hostPort}/${r.proto} is already in use on the host`);
      out.push({ ...r });
      continue;
    }
    const [lo, hi] = ephemeralRange();
    let picked = 0;
    for (let i = 0; i < RANDOM_TRIES && !picked; i++) {
      const p = lo + Math.floor(Math.random() * (hi - lo + 1));
      if (portReserved(root, r.proto, p) || !reservePort(root, r.proto, p, id)) continue;
      if (await portBindable(r.proto, p, r.hostIp)) picked = p;
      else releasePort(root, r.proto, p);
    }
    if (!picked) throw new ConflictError(`cannot publish ${r.containerPort}/${r.proto}: no free host port found in ${lo}-${hi}`);
    out.push({ ...r, hostPort: picked });
  }
  return out;
}

/** docker's PORTS cell entry: 0.0.0.0:8080->80/tcp. */
export function formatBinding(b: PortBinding): string {
  return `${b.hostIp || '0.0.0.0'}:${b.hostPort}->${b.containerPort}/${b.proto}`;
}
