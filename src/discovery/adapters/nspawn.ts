// systemd-nspawn: the systemd-nspawn process is the parent of the container init; the machine name comes from
// -M/--machine, else the directory or image it boots. It may share its parent's cgroup (--keep-unit).
import { join } from 'node:path';
import { underRoot } from '../../host/paths.js';
import { flagValue, baseName } from '../shim-args.js';
import { defineAdapter, type Candidate, type Claim, type DiscoveryContext } from '../types.js';

/** Where nspawn looks for a machine given by name only (machinectl(1), "Files and Directories"). */
const MACHINE_DIRS = ['/etc/machines', '/run/machines', '/var/lib/machines', '/usr/local/lib/machines', '/usr/lib/machines'];

/** `-M name` without -D/-i boots the first <dir>/<name> (or <name>.raw) on the search path. */
function machineImage(ctx: DiscoveryContext, name: string): string {
  for (const dir of MACHINE_DIRS) {
    for (const candidate of [join(dir, name), join(dir, `${name}.raw`)]) {
      if (ctx.reader.exists(underRoot(ctx.paths, candidate))) return candidate;
    }
  }
  return join('/var/lib/machines', name);
}

export const nspawnAdapter = defineAdapter({
  runtime: 'nspawn',
  logSource: (c) => ({ unreadable: `systemd-nspawn's output goes to its unit's journal: journalctl -M ${c.name}` }),
  stateDirs: () => [{ path: '/run/systemd/machines', depth: 0 }],
  actionHint: (a, c) => {
    const ref = c.name || c.id;
    return a === 'remove'
      ? `machinectl remove ${ref}`
      : a === 'kill'
        ? `machinectl terminate ${ref}`
        : a === 'restart'
          ? `machinectl reboot ${ref}`
          : `machinectl poweroff ${ref}`;
  },
  claim(c: Candidate, ctx: DiscoveryContext): Claim | null {
    if (c.parent?.comm !== 'systemd-nspawn' || !c.parentArgs) return null;
    const a = c.parentArgs;
    const machine = flagValue(a, '-M', '--machine');
    const dir = flagValue(a, '-D', '--directory') ?? flagValue(a, '-i', '--image') ?? (machine ? machineImage(ctx, machine) : '');
    const name = machine ?? (dir ? baseName(dir.replace(/\/+$/, '')) : `nspawn-${c.parent.hostPid}`);
    return { runtime: 'nspawn', id: name, name, image: dir, state: 'running', parentIsShim: true };
  },
});
