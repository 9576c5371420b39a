// `tctop port`: a container's published ports, in docker's layout ("80/tcp -> 0.0.0.0:8080"), from its state.
import { NotFoundError, UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import type { ContainerState } from '../containers/state.js';
import type { PortBinding } from './ports.js';

/** Published ports of a running container (docker shows none for a stopped one). */
export function publishedPorts(state: ContainerState): PortBinding[] {
  if (state.status !== 'running') return [];
  return [...(state.net?.ports ?? [])].sort(
    (a, b) => a.containerPort - b.containerPort || a.proto.localeCompare(b.proto) || a.hostPort - b.hostPort,
  );
}

export function portLines(state: ContainerState, privatePort?: string): string[] {
  const ports = publishedPorts(state);
  if (privatePort === undefined) return ports.map((p) => `${p.containerPort}/${p.proto} -> ${p.hostIp || '0.0.0.0'}:${p.hostPort}`);
  const m = /^(\d{1,5})(?:\/(tcp|udp))?$/.exec(privatePort);
  if (!m) throw new UsageError(`invalid port "${cell(privatePort, 30)}": expected PRIVATE_PORT[/tcp|udp]`);
  const proto = m[2] ?? 'tcp';
  const hits = ports.filter((p) => p.containerPort === Number(m[1]) && p.proto === proto);
  if (hits.length === 0) throw new NotFoundError(`no public port '${Number(m[1])}/${proto}' published for ${cell(state.name, 100)}`);
  return hits.map((p) => `${p.hostIp || '0.0.0.0'}:${p.hostPort}`);
}
