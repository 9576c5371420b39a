// systemd-nspawn: the systemd-nspawn process is the parent of the container init; the machine name comes from
// -M/--machine, else the directory or image it boots. It may share its parent's cgroup (--keep-unit).
import { flagValue, baseName } from '../shim-args.js';
import type { Candidate, Claim, RuntimeAdapter } from '../types.js';

export const nspawnAdapter: RuntimeAdapter = {
  runtime: 'nspawn',
  claim(c: Candidate): Claim | null {
    if (c.parent?.comm !== 'systemd-nspawn' || !c.parentArgs) return null;
    const a = c.parentArgs;
    const dir = flagValue(a, '-D', '--directory') ?? flagValue(a, '-i', '--image') ?? '';
    const name = flagValue(a, '-M', '--machine') ?? (dir ? baseName(dir.replace(/\/+$/, '')) : `nspawn-${c.parent.hostPid}`);
    return { runtime: 'nspawn', id: name, name, image: dir, state: 'running', parentIsShim: true };
  },
};
