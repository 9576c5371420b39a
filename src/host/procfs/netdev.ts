// /proc/<pid>/net/dev: interface counters of the process's network namespace.
import type { NetworkStats } from '../records.js';

export function parseNetDev(text: string): NetworkStats {
  const total: NetworkStats = {
    rxBytes: 0,
    rxPackets: 0,
    rxErrors: 0,
    rxDropped: 0,
    txBytes: 0,
    txPackets: 0,
    txErrors: 0,
    txDropped: 0,
    interfaces: [],
  };
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const v = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    const iface = {
      name,
      rxBytes: v[0],
      rxPackets: v[1],
      rxErrors: v[2],
      rxDropped: v[3],
      txBytes: v[8],
      txPackets: v[9],
      txErrors: v[10],
      txDropped: v[11],
    };
    total.interfaces.push(iface);
    if (name === 'lo') continue; // as cAdvisor: loopback traffic is not the container's network use
    total.rxBytes += iface.rxBytes;
    total.rxPackets += iface.rxPackets;
    total.rxErrors += iface.rxErrors;
    total.rxDropped += iface.rxDropped;
    total.txBytes += iface.txBytes;
    total.txPackets += iface.txPackets;
    total.txErrors += iface.txErrors;
    total.txDropped += iface.txDropped;
  }
  return total;
}
