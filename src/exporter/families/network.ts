// Network counters per interface of the container's network namespace, one series per interface (`interface`
// label) as cAdvisor emits them, skipping the interfaces cAdvisor skips: loopback, and veth/docker/nerdctl ones
// (a nested runtime's bridge and host ends, whose traffic is the nested containers').
import type { NetworkStats } from '../../snapshot/model.js';
import { labelValue } from '../container-labels.js';
import { CONTAINER_LABELS, type Collector, type MetricDef } from '../family.js';
import { LabelSets } from '../label-sets.js';

type Counter = keyof Omit<NetworkStats, 'interfaces'>;

const IGNORED_PREFIXES = ['lo', 'veth', 'docker', 'nerdctl'];

/** cAdvisor's isIgnoredDevice. */
export function ignoredInterface(name: string): boolean {
  const lower = name.toLowerCase();
  return IGNORED_PREFIXES.some((p) => lower.startsWith(p));
}

const interfaceLabels = new LabelSets<string>();

function perInterface(name: string, help: string, field: Counter): MetricDef {
  return {
    name,
    help,
    type: 'counter',
    labelNames: [...CONTAINER_LABELS, 'interface'],
    collect(snapshot, emit) {
      for (const c of snapshot.containers) {
        if (!c.network) continue;
        for (const ifc of c.network.interfaces) {
          if (!ignoredInterface(ifc.name))
            emit(
              c,
              interfaceLabels.get(ifc.name, (name) => ({ interface: labelValue(name) })),
              ifc[field],
            );
        }
      }
    },
  };
}

export const networkCollector: Collector = {
  name: 'network',
  description: 'container network bytes, packets, errors and drops per interface',
  enabledByDefault: true,
  metrics: [
    perInterface('container_network_receive_bytes_total', 'Cumulative count of bytes received', 'rxBytes'),
    perInterface('container_network_receive_packets_total', 'Cumulative count of packets received', 'rxPackets'),
    perInterface('container_network_receive_errors_total', 'Cumulative count of errors encountered while receiving', 'rxErrors'),
    perInterface('container_network_receive_packets_dropped_total', 'Cumulative count of packets dropped while receiving', 'rxDropped'),
    perInterface('container_network_transmit_bytes_total', 'Cumulative count of bytes transmitted', 'txBytes'),
    perInterface('container_network_transmit_packets_total', 'Cumulative count of packets transmitted', 'txPackets'),
    perInterface('container_network_transmit_errors_total', 'Cumulative count of errors encountered while transmitting', 'txErrors'),
    perInterface('container_network_transmit_packets_dropped_total', 'Cumulative count of packets dropped while transmitting', 'txDropped'),
  ],
};
