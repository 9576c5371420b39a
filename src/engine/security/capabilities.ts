// Linux capabilities by docker's names: the default set, --cap-add/--cap-drop (with ALL) and --privileged, as
// moby's caps.TweakCapabilities computes them, and the bit mask the shim keeps.
import { readFileSync } from 'node:fs';
import { UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';

/** Index = capability number (linux/capability.h). */
export const CAPABILITY_NAMES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

/** docker's default set (moby oci/caps/defaults.go), in its order. */
export const DOCKER_DEFAULT_CAPABILITIES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/** What "ALL" can mean here: the capabilities of this kernel (cap_last_cap) that tctop itself holds in its bounding
 * set (a sandboxed host may lack some; asking the kernel for more fails at capset). */
export function allCapabilities(): string[] {
  let last = CAPABILITY_NAMES.length - 1;
  let bounding = (1n << 64n) - 1n;
  try {
    const v = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim());
    if (Number.isInteger(v) && v >= 0) last = Math.min(v, last);
    const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) bounding = BigInt('0x' + m[1]);
  } catch {
    /* unreadable: every name we know */
  }
  return CAPABILITY_NAMES.slice(0, last + 1).filter((_, i) => (bounding >> BigInt(i)) & 1n);
}

/** "net_admin", "CAP_NET_ADMIN" -> "CAP_NET_ADMIN"; "all" -> "ALL"; anything else is a usage error. */
function normalize(name: string): string {
  const upper = name.trim().toUpperCase();
  if (upper === 'ALL') return 'ALL';
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!CAPABILITY_NAMES.includes(full)) throw new UsageError(`unknown capability: "${cell(name, 50)}"`);
  return full;
}

/** moby's TweakCapabilities: ALL in --cap-add wins (minus the drops), ALL in --cap-drop keeps only the adds. */
export function effectiveCapabilities(adds: string[], drops: string[], privileged: boolean): string[] {
  if (privileged) return allCapabilities();
  const add = adds.map(normalize);
  const drop = drops.map(normalize);
  const known = new Set(allCapabilities());
  for (const c of add)
    if (c !== 'ALL' && !known.has(c)) throw new UsageError(`cannot add ${c}: neither this kernel nor tctop's own bounding set has it`);
  let caps: string[];
  if (add.includes('ALL')) caps = allCapabilities().filter((c) => !drop.includes(c));
  else if (drop.includes('ALL')) caps = add;
  else caps = [...DOCKER_DEFAULT_CAPABILITIES.filter((c) => !drop.includes(c)), ...add];
  return [...new Set(caps)];
}

/** The 64-bit mask, as 16 hex digits (launch.conf's `caps`, /proc/<pid>/status's CapEff). */
export function capabilityMask(caps: string[]): string {
  let mask = 0n;
  for (const c of caps) mask |= 1n << BigInt(CAPABILITY_NAMES.indexOf(c));
  return mask.toString(16).padStart(16, '0');
}
