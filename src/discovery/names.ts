// A container cgroup's name before its processes are read whole: from the runtime its cgroup name points to, when
// that runtime's state says it (RuntimeAdapter.nameOf), with its shim's command line if the runtime asks for it.
import { readCmdline } from '../host/procfs/cmdline.js';
import { readStat } from '../host/procfs/process.js';
import type { HostReader } from '../host/reader.js';
import { ADAPTERS } from './adapters/index.js';
import { readMembers, type ContainerCgroup } from './cgroup-walk.js';
import type { DiscoveryContext } from './types.js';

/** `among`: the names the caller looks for (null then: the state shows it is none of them; RuntimeAdapter.nameOf). */
export function nameByHint(cg: ContainerCgroup, ctx: DiscoveryContext, among?: readonly string[]): string | null | undefined {
  return ADAPTERS.find((a) => a.runtime === cg.hint.runtime)?.nameOf?.(
    cg.hint.id,
    ctx,
    () => shimArgsOf(ctx.reader, readMembers(ctx.reader, cg)),
    among,
  );
}

/** The command line of the parent of the first member whose parent is outside the cgroup (the init's: its shim). */
function shimArgsOf(r: HostReader, pids: readonly number[]): string[] | undefined {
  const members = new Set(pids);
  for (const pid of pids) {
    const ppid = readStat(r, pid)?.ppid;
    if (ppid !== undefined && ppid > 0 && !members.has(ppid)) return readCmdline(r, ppid) ?? undefined;
  }
  return undefined;
}
