// `--listen` values in the exporters' style: ":9777" (all interfaces), "127.0.0.1:9777", "[::1]:9777".
import { UsageError } from '../errors.js';

/**
 * In the exporters' range (9100-9999), clear of cAdvisor (8080) and node_exporter (9100). Not yet checked against the
 * current Prometheus default port allocations wiki: reserve it there before a release, or change it here.
 */
export const DEFAULT_PORT = 9777;
export const DEFAULT_LISTEN = `:${DEFAULT_PORT}`;

export interface ListenAddress {
  /** '' = every interface, IPv6 and IPv4 where the host has IPv6 (as node's listen without a host). */
  host: string;
  port: number;
}

export function parseListenAddress(value: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535)
    throw new UsageError(`bad --listen "${value}": expected [host]:port, e.g. :${DEFAULT_PORT} or 127.0.0.1:${DEFAULT_PORT}`);
  const host = m[1] ?? m[2];
  return { host, port };
}

/** A URL a person can paste (IPv6 in brackets, wildcard shown as localhost). */
export function displayUrl(host: string, port: number, tls: boolean): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `${tls ? 'https' : 'http'}://${shown}:${port}/metrics`;
}
