// Header facts read once at start, from the host under --root (not the machine tctop runs on): the OS from its
// os-release, the CPU model from its /proc/cpuinfo. (systeminformation reads only the local machine.)
import { readOsName } from '../host/os-release.js';
import { readCpuModel } from '../host/procfs/cpuinfo.js';
import { hostPaths } from '../host/paths.js';
import type { HostFacts } from './view/header.js';

export function loadHostFacts(root: string): HostFacts {
  return { os: readOsName(root) ?? undefined, cpuModel: readCpuModel(hostPaths(root).proc) ?? undefined };
}
