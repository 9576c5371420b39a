// /proc/cpuinfo: the processor's model name, for the dashboard's header.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The first "model name" (x86, arm64 with a known part) or, failing that, another architecture's naming line. */
export function parseCpuModel(text: string): string | null {
  for (const key of ['model name', 'Model', 'cpu model', 'Hardware', 'cpu']) {
    const m = new RegExp(`^${key}\\s*:\\s*(.+)$`, 'm').exec(text);
    if (m?.[1].trim()) return m[1].trim();
  }
  return null;
}

export function readCpuModel(procDir: string): string | null {
  try {
    return parseCpuModel(readFileSync(join(procDir, 'cpuinfo'), 'utf8'));
  } catch {
    return null;
  }
}
