// Registry: `tctop pull` / `tctop push` of a 5-layer image against `docker pull` / `docker push` of it, to the same
// loopback docker-registry, interleaved run by run. Pulls start from an empty store (docker rmi first; a fresh
// TCTOP_ROOT); pushes go to a fresh repository each time (so both may mount the blobs they know across repositories).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFiveLayerImage, startRegistry } from '../integration/registry-harness.js';
import type { BenchRow, BenchSuite } from './types.js';

const RUNS = 5;
const LAYER_BYTES = 4 << 20;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

function timed(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export const suite: BenchSuite = {
  name: 'registry',
  wants: { extraProcesses: 0, dockerContainers: 0 },
  async run(): Promise<BenchRow[]> {
    const reg = await startRegistry();
    const work = mkdtempSync(join(tmpdir(), 'tctop-bench-registry-'));
    const local = `tctop-bench/five-layers:${process.pid}`;
    const remote = `${reg.host}/five:latest`;
    // [0]: the first push, timed apart (tctop gzips the loaded layers then, once); [1..RUNS]: the medians' runs
    const pushNames = Array.from({ length: RUNS + 1 }, (_, i) => `${reg.host}/tctop-push-${i}:latest`);
    const dockerNames = Array.from({ length: RUNS + 1 }, (_, i) => `${reg.host}/docker-push-${i}:latest`);
    const rmi = (...refs: string[]) => spawnSync('docker', ['rmi', '-f', ...refs], { stdio: 'ignore' });
    try {
      buildFiveLayerImage(local, LAYER_BYTES);
      run('docker', ['tag', local, remote]);
      run('docker', ['push', '-q', remote]);
      for (const n of pushNames) run('docker', ['tag', local, n]);
      const archive = join(work, 'five.tar');
      run('docker', ['save', '-o', archive, ...pushNames]);
      rmi(local, remote, ...pushNames);
      const pushRoot = join(work, 'push-store');
      run('bin/tctop', ['load', '-q', '-i', archive], { ...process.env, TCTOP_ROOT: pushRoot });

      const tctopPull: number[] = [];
      const dockerPull: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const root = join(work, `pull-${i}`);
        tctopPull.push(timed(() => run('bin/tctop', ['pull', '-q', remote], { ...process.env, TCTOP_ROOT: root })));
        rmSync(root, { recursive: true, force: true });
        rmi(remote);
        dockerPull.push(timed(() => run('docker', ['pull', '-q', remote])));
      }
      // docker pushes the image it pulled; tctop the one it loaded (its first push gzips the plain tars once)
      const tctopPush: number[] = [];
      const dockerPush: number[] = [];
      for (let i = 0; i <= RUNS; i++) {
        tctopPush.push(timed(() => run('bin/tctop', ['push', '-q', pushNames[i]], { ...process.env, TCTOP_ROOT: pushRoot })));
        run('docker', ['tag', remote, dockerNames[i]]);
        dockerPush.push(timed(() => run('docker', ['push', '-q', dockerNames[i]])));
      }
      // the first push is a row of its own: in the median it would stand for a run of tctop's and not of docker's
      const [tctopFirst, dockerFirst] = [tctopPush.shift()!, dockerPush.shift()!];
      const pull = median(tctopPull);
      const dPull = median(dockerPull);
      const push = median(tctopPush);
      const dPush = median(dockerPush);
      return [
        {
          name: `tctop pull (5 layers, 4x${LAYER_BYTES >> 20} MiB random + busybox, empty store)`,
          value: pull,
          unit: 'ms',
          peer: { name: 'docker pull', value: dPull },
          target: 'ratio <= 1',
          ok: pull <= dPull,
        },
        {
          name: 'tctop push (same image, fresh repository)',
          value: push,
          unit: 'ms',
          peer: { name: 'docker push', value: dPush },
          target: 'ratio <= 1',
          ok: push <= dPush,
        },
        {
          name: 'tctop push, first (gzips the loaded layers)',
          value: tctopFirst,
          unit: 'ms',
          peer: { name: 'docker push, first', value: dockerFirst },
          target: 'informational',
          ok: true,
        },
      ];
    } finally {
      rmi(local, remote, ...pushNames, ...dockerNames);
      rmSync(work, { recursive: true, force: true });
      await reg.stop();
    }
  },
};
