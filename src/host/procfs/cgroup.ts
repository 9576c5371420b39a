// /proc/<pid>/cgroup: "hierarchy-ID:controller-list:path", v1 lines and the v2 "0::/path" line.
import type { CgroupMembership } from '../records.js';

export function parseProcCgroup(text: string): CgroupMembership[] {
  const out: CgroupMembership[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const a = line.indexOf(':');
    const b = line.indexOf(':', a + 1);
    if (a < 0 || b < 0) continue;
    const controllers = line.slice(a + 1, b);
    out.push({ hierarchy: Number(line.slice(0, a)), controllers: controllers ? controllers.split(',') : [], path: line.slice(b + 1) });
  }
  return out;
}

/** The path of the v2 line, else the path of the given v1 controller (e.g. 'memory', 'pids', 'name=systemd'). */
export function cgroupPathFor(memberships: CgroupMembership[], controller?: string): string | undefined {
  if (controller) {
    const m = memberships.find((x) => x.controllers.includes(controller));
    if (m) return m.path;
  }
  return memberships.find((x) => x.hierarchy === 0 && x.controllers.length === 0)?.path;
}
