// `tctop info` for people: docker info's layout, one fact a line.
import type { HostInfoReport } from '../../report/host-info.js';
import { bytesSize } from '../../report/docker-units.js';
import { escapeControls } from '../../text/sanitize.js';

export function infoText(r: HostInfoReport): string {
  const cgroup = r.cgroupVersion === 'hybrid' ? '1 (hybrid: an empty v2 mount beside v1)' : String(r.cgroupVersion);
  const lines = [
    `Containers: ${r.containers.total}`,
    ` Running: ${r.containers.running}`,
    ` Paused: ${r.containers.paused}`,
    ` Stopped: ${r.containers.stopped}`,
    'Runtimes:',
    ...(r.runtimes.length === 0 ? [' (none found)'] : []),
    ...r.runtimes.map(
      (rt) =>
        ` ${rt.name}: ${rt.containers} (running ${rt.running}, paused ${rt.paused}, stopped ${rt.stopped})${rt.cgroupDrivers.length ? `, cgroup driver ${rt.cgroupDrivers.join(', ')}` : ''}`,
    ),
    `Cgroup Version: ${cgroup}`,
    `Kernel Version: ${escapeControls(r.kernel)}`,
    `Operating System: ${r.os === null ? '-' : escapeControls(r.os)}`,
    `CPUs: ${r.cpus}`,
    `Total Memory: ${bytesSize(r.memoryBytes)}`,
    `Name: ${escapeControls(r.hostname)}`,
    `Processes: ${r.processes}`,
    `tctop engine: ${r.engine.version}, root ${escapeControls(r.engine.root)}, ${r.engine.images} image(s)`,
  ];
  return lines.join('\n') + '\n';
}
