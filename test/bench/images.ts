// Image store: loading a real `docker save` archive and importing a rootfs tar, against docker load and GNU tar
// extracting the same bytes, each as a fresh process into a fresh directory.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_IMAGE } from '../helpers/docker.js';
import { medianMs, type BenchRow, type BenchSuite } from './types.js';

const RUNS = 5;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

function fresh<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-bench-images-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const suite: BenchSuite = {
  name: 'images',
  wants: { extraProcesses: 0, dockerContainers: 0 },
  async run(): Promise<BenchRow[]> {
    const work = mkdtempSync(join(tmpdir(), 'tctop-bench-archives-'));
    try {
      const archive = join(work, 'busybox.tar');
      run('docker', ['save', '-o', archive, TEST_IMAGE]);
      const created = spawnSync('docker', ['create', '--label', 'tctop-bench=1', TEST_IMAGE, 'true'], { encoding: 'utf8' }).stdout.trim();
      const rootfs = join(work, 'rootfs.tar');
      try {
        run('docker', ['export', '-o', rootfs, created]);
      } finally {
        spawnSync('docker', ['rm', '-f', created], { stdio: 'ignore' });
      }
      const tctop = (args: string[]) => fresh((root) => run('bin/tctop', args, { ...process.env, TCTOP_ROOT: root }));

      const load = await medianMs(RUNS, () => tctop(['load', '-q', '-i', archive]));
      const dockerLoad = await medianMs(RUNS, () => run('docker', ['load', '-q', '-i', archive]));
      const imp = await medianMs(RUNS, () => tctop(['import', rootfs, 'bench:1']));
      const gnuTar = await medianMs(RUNS, () => fresh((dir) => run('tar', ['--xattrs', '--xattrs-include=*', '-xpf', rootfs, '-C', dir])));
      return [
        {
          name: `tctop load -i (docker save ${TEST_IMAGE})`,
          value: load,
          unit: 'ms',
          peer: { name: 'docker load -i', value: dockerLoad },
          target: 'value < 1500 (docker already holds the layers, so its load only hashes)',
          ok: load < 1500,
        },
        {
          name: 'tctop import (busybox rootfs tar)',
          value: imp,
          unit: 'ms',
          peer: { name: 'GNU tar -xpf', value: gnuTar },
          target: 'ratio <= 3',
          ok: imp <= 3 * gnuTar,
        },
      ];
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};
