// Host-wide facts from procfs: CPU totals, memory, boot time, kernel, hostname.
import { join } from 'node:path';
import type { HostReader } from '../reader.js';

export interface ProcHostFacts {
  hostname: string;
  kernel: string;
  cpuCores: number;
  cpuTotalTicks: number;
  cpuIdleTicks: number;
  bootTimeSeconds: number;
  memoryBytes: number;
  memAvailableBytes: number;
}

export function parseProcStat(text: string): Pick<ProcHostFacts, 'cpuCores' | 'cpuTotalTicks' | 'cpuIdleTicks' | 'bootTimeSeconds'> {
  let cpuCores = 0;
  let cpuTotalTicks = 0;
  let cpuIdleTicks = 0;
  let bootTimeSeconds = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('cpu ')) {
      const v = line.slice(4).trim().split(/\s+/).map(Number);
      // user nice system idle iowait irq softirq steal (guest time is already inside user/nice)
      cpuTotalTicks = v.slice(0, 8).reduce((a, b) => a + (b || 0), 0);
      cpuIdleTicks = (v[3] || 0) + (v[4] || 0);
    } else if (/^cpu\d/.test(line)) cpuCores++;
    else if (line.startsWith('btime ')) bootTimeSeconds = Number(line.slice(6));
  }
  return { cpuCores, cpuTotalTicks, cpuIdleTicks, bootTimeSeconds };
}

export function parseMeminfo(text: string): { memoryBytes: number; memAvailableBytes: number } {
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : 0;
  };
  return { memoryBytes: kb('MemTotal'), memAvailableBytes: kb('MemAvailable') };
}

export function readProcHostFacts(r: HostReader): ProcHostFacts {
  const procDir = r.paths.proc;
  const stat = parseProcStat(r.hotRecordText(join(procDir, 'stat')) ?? '');
  const mem = parseMeminfo(r.hotRecordText(join(procDir, 'meminfo')) ?? '');
  return {
    hostname: (r.hotRecordText(join(procDir, 'sys/kernel/hostname')) ?? '').trim(),
    kernel: (r.hotRecordText(join(procDir, 'sys/kernel/osrelease')) ?? '').trim(),
    ...stat,
    ...mem,
  };
}
