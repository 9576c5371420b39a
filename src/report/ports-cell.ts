// docker ps's PORTS cell ("0.0.0.0:8080->80/tcp, 127.0.0.1:9000->9000/udp") from the published ports a runtime
// adapter put in Container.extra.ports; anything malformed there is left out, never printed raw.
import type { Container } from '../snapshot/model.js';

interface Published {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  proto: string;
}

function valid(p: unknown): p is Published {
  const o = p as Record<string, unknown>;
  return (
    !!o &&
    typeof o.hostIp === 'string' &&
    /^[\d.:a-f]*$/i.test(o.hostIp) &&
    Number.isInteger(o.hostPort) &&
    Number.isInteger(o.containerPort) &&
    (o.proto === 'tcp' || o.proto === 'udp' || o.proto === 'sctp')
  );
}

export function publishedOf(c: Container): Published[] {
  const ports = c.extra?.ports;
  return Array.isArray(ports) ? ports.filter(valid) : [];
}

export function portsCell(c: Container): string {
  return publishedOf(c)
    .map((p) =>
      p.hostPort > 0
        ? `${p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp || '0.0.0.0'}:${p.hostPort}->${p.containerPort}/${p.proto}`
        : `${p.containerPort}/${p.proto}`,
    )
    .join(', ');
}
