// A container a runtime's state describes but that runs no process: a Container with no processes, cgroup or
// namespaces. The adapters return records (discovery/types.ts: StoppedRecord); the snapshot makes its Containers.
import type { StoppedRecord } from '../discovery/types.js';
import type { Container } from './model.js';

export function stoppedContainer(r: StoppedRecord): Container {
  return {
    id: r.id,
    name: r.name,
    runtime: r.runtime,
    image: r.image,
    state: r.state,
    labels: r.labels,
    shim: null,
    init: null,
    pids: [],
    namespaces: [],
    cgroup: null,
    network: null,
    startedAt: r.startedAt,
    createdAt: r.createdAt,
    extra: r.extra,
  };
}
