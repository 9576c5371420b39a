// Which container cgroups `inspect <ref>...` must build: those a reference could resolve to by docker's rule
// (text/container-ref.ts: a full ID, then an exact name, then a unique ID prefix). A cgroup whose ID has no reference
// as a prefix, and whose runtime state names it otherwise, is none of them, and neither can it make one ambiguous:
// the scan leaves it unbuilt (at 1,000 containers, 30 references built 970 containers for nothing).
import type { CgroupSelection } from '../snapshot/scan-options.js';

export function refSelection(refs: readonly string[]): CgroupSelection {
  const names = new Set(refs.flatMap((r) => (r.startsWith('/') ? [r, r.slice(1)] : [r])));
  const among = [...names];
  return (hint, nameOf) => {
    // a name may be the ID's own short form (a runtime names a container whose state says nothing so), '/'-led too
    if (among.some((n) => hint.id.startsWith(n))) return true;
    const name = nameOf(among); // null: its state shows none of these names (its file not even parsed)
    return name === undefined || (name !== null && names.has(name));
  };
}
