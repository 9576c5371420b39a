// Where the runtimes that share a log layout keep a container's output: the kubelet's CRI logs (containerd and
// CRI-O under Kubernetes) and conmon's --log-path (podman and CRI-O). Each adapter's logSource picks its own.
import { join } from 'node:path';
import { underRoot } from '../../host/paths.js';
import type { Container } from '../../snapshot/model.js';
import type { DiscoveryContext, LogSource } from '../types.js';

const POD_LOGS = '/var/log/pods';

/**
 * The kubelet's layout: /var/log/pods/<namespace>_<pod>_<uid>/<container>/<restart count>.log, CRI format. The
 * newest (highest) restart's file is the current one.
 */
export function criLogSource(c: Container, ctx: DiscoveryContext, runtime: string): LogSource {
  const ns = c.labels['io.kubernetes.pod.namespace'];
  const pod = c.labels['io.kubernetes.pod.name'];
  const name = c.labels['io.kubernetes.container.name'];
  if (!ns || !pod || !name)
    return { unreadable: `${runtime} keeps no log of a container outside Kubernetes (its output went to the client that started it)` };
  const root = underRoot(ctx.paths, POD_LOGS);
  const podDir = ctx.reader.list(root).find((d) => d.startsWith(`${ns}_${pod}_`));
  const files = podDir ? ctx.reader.list(join(root, podDir, name)).filter((f) => /^\d+\.log$/.test(f)) : [];
  if (!podDir || files.length === 0) return { unreadable: `no CRI log of ${ns}/${pod}/${name} under ${POD_LOGS}` };
  const newest = files.sort((a, b) => parseInt(b, 10) - parseInt(a, 10))[0];
  return { path: join(POD_LOGS, podDir, name, newest), format: 'cri' };
}

/** conmon writes the CRI format to --log-path / -l (`k8s-file:<path>`, or a bare path); journald keeps no file. */
export function conmonLogSource(c: Container, runtime: string): LogSource {
  const argv = c.shim?.command.split(' ') ?? [];
  const values = argv.flatMap((a, i) =>
    a === '-l' || a === '--log-path' ? [argv[i + 1] ?? ''] : a.startsWith('--log-path=') ? [a.slice(11)] : [],
  );
  const file = values.map((v) => (v.startsWith('k8s-file:') ? v.slice(9) : v)).find((v) => v.startsWith('/'));
  if (file) return { path: file, format: 'cri' };
  if (values.some((v) => v.startsWith('journald')))
    return { unreadable: `${runtime} logs this container to journald: journalctl CONTAINER_ID_FULL=${c.id}` };
  return { unreadable: `${runtime}'s conmon names no log file for this container` };
}
