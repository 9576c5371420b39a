// Header facts from systeminformation, read once at start: it spawns processes, so never per tick.
import type { HostFacts } from './view/header.js';

export async function loadHostFacts(): Promise<HostFacts> {
  const si = (await import('systeminformation')).default;
  const [os, cpu] = await Promise.all([si.osInfo().catch(() => undefined), si.cpu().catch(() => undefined)]);
  return {
    os: os ? [os.distro, os.release].filter(Boolean).join(' ') || undefined : undefined,
    cpuModel: cpu ? [cpu.manufacturer, cpu.brand].filter(Boolean).join(' ') || undefined : undefined,
  };
}
