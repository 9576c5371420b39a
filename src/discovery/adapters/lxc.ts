// LXC: cgroup lxc.payload.<name> (or /lxc/<name> before LXC 4), parent "[lxc monitor] <lxcpath> <name>";
// the rootfs from <lxcpath>/<name>/config stands in for an image.
import { join } from 'node:path';
import { underRoot } from '../../host/paths.js';
import { defineAdapter, type Candidate, type Claim, type DiscoveryContext } from '../types.js';

function monitorOf(c: Candidate): { lxcpath: string; name: string } | undefined {
  const a = c.parentArgs;
  if (a?.[0] !== '[lxc' || a[1] !== 'monitor]') return undefined;
  // the monitor sets its whole title as one argv string on some versions: normalise
  return { lxcpath: a[2] ?? '/var/lib/lxc', name: a[3] ?? '' };
}

export const lxcAdapter = defineAdapter({
  runtime: 'lxc',
  logSource: () => ({ unreadable: "LXC keeps no log of a container's output (its console, or lxc.console.logfile when set)" }),
  cgroupNames: [/\/lxc\.payload\.([^/]+)$/, /^\/lxc\/([^/]+)$/],
  stateDirs: () => [
    { path: '/var/lib/lxc', depth: 0 },
    { path: '/run/lxc', depth: 0 },
  ],
  actionHint: (a, c) => {
    const ref = c.name || c.id;
    return a === 'remove'
      ? `lxc-destroy -n ${ref}`
      : a === 'kill'
        ? `lxc-stop -k -n ${ref}`
        : a === 'restart'
          ? `lxc-stop -r -n ${ref}`
          : `lxc-stop -n ${ref}`;
  },
  claim(c: Candidate, ctx: DiscoveryContext): Claim | null {
    const monitor = monitorOf(c);
    if (c.hint?.runtime !== 'lxc' && !monitor) return null;
    const name = monitor?.name || (c.hint?.runtime === 'lxc' ? c.hint.id : '');
    if (!name) return null;
    const lxcpath = monitor?.lxcpath ?? '/var/lib/lxc';
    const config = ctx.reader.stateText(join(underRoot(ctx.paths, lxcpath), name, 'config')) ?? '';
    const rootfs = /^lxc\.rootfs(?:\.path)?\s*=\s*(.+)$/m.exec(config)?.[1]?.trim() ?? '';
    return {
      runtime: 'lxc',
      id: name,
      name,
      image: rootfs.replace(/^dir:/, ''),
      state: 'running',
      parentIsShim: monitor !== undefined,
      extra: { lxcpath },
    };
  },
});
