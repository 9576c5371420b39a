// The writable-layer walker against du on the same tree (50,000 files in 500 directories, page cache warm, as a
// layer the walker revisits every minute is): one whole walk's time, then the background cache's CPU share while
// it walks (its slices and pauses bound it) and its entries per second. The walk looks at each entry through
// /proc/self/fd/<dir fd>/<name> so it can never leave the tree; that lookup costs about twice a plain path's.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirUsageWalk } from '../../src/host/dir-usage.js';
import { FsUsageCache } from '../../src/snapshot/rootfs/fs-usage-cache.js';
import { interleaved, run, type BenchRow, type BenchSuite } from './types.js';

const DIRS = 500;
const FILES_PER_DIR = 100;

function buildTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'tctop-bench-fs-'));
  for (let d = 0; d < DIRS; d++) {
    const dir = join(root, `d${d % 50}`, `e${d}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < FILES_PER_DIR; f++) writeFileSync(join(dir, `f${f}`), f % 10 === 0 ? Buffer.alloc(5000) : '');
  }
  return root;
}

function walkWhole(dir: string): void {
  const w = new DirUsageWalk(dir);
  while (!w.step(100_000));
}

/** The cache walking the tree once in the background: wall time, CPU time, entries. */
async function backgroundWalk(dir: string): Promise<{ wallMs: number; cpuMs: number; entries: number }> {
  const cache = new FsUsageCache({ refreshMs: 3_600_000 });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  cache.track('bench', dir, '');
  while (!cache.get('bench')) await new Promise((r) => setTimeout(r, 20));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  cache.close();
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, entries: cache.cost.entries };
}

export const suite: BenchSuite = {
  name: 'fs',
  wants: { extraProcesses: 0, dockerContainers: 0 },
  async run(): Promise<BenchRow[]> {
    const dir = buildTree();
    try {
      walkWhole(dir); // warm the page cache for both sides
      const [walkMs, duMs] = await interleaved(
        5,
        () => walkWhole(dir),
        () => run('du', ['-sx', dir]),
      );
      const bg = await backgroundWalk(dir);
      const share = (100 * bg.cpuMs) / bg.wallMs;
      const load = loadavg()[0].toFixed(2);
      return [
        {
          name: `walk of 50,500 entries, whole (load ${load})`,
          value: walkMs,
          unit: 'ms',
          peer: { name: 'du -sx', value: duMs },
          target: 'ratio <= 6',
          ok: walkMs <= 6 * duMs,
        },
        {
          name: `background walk: ${Math.round(bg.entries / (bg.wallMs / 1000))} entries/s, ${Math.round(bg.entries / (bg.cpuMs / 1000))} entries per CPU-second, wall ${Math.round(bg.wallMs)} ms`,
          value: share,
          unit: '%',
          target: 'CPU share <= 35% of a core while walking',
          ok: share <= 35,
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
