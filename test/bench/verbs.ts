// docker's observability verbs for every runtime: `tctop stats --no-stream` against `docker stats --no-stream`
// over the same Docker containers, and `tctop top <ref>` against `docker top`.
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { medianMs, type BenchSuite } from './types.js';

const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
};

/** a and b alternately, a pause between, so drift lands on both; the medians. */
async function interleaved(runs: number, a: () => void, b: () => void): Promise<[number, number]> {
  const [as, bs] = [[] as number[], [] as number[]];
  for (let i = 0; i < runs; i++) {
    as.push(await medianMs(1, a));
    await sleep(150);
    bs.push(await medianMs(1, b));
    await sleep(150);
  }
  const mid = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return [mid(as), mid(bs)];
}

export const suite: BenchSuite = {
  name: 'verbs',
  wants: { extraProcesses: 0, dockerContainers: 30 },
  async run(load) {
    const tctop = 'bin/tctop';
    const ids = load.dockerIds.slice(0, 30).map((id) => id.slice(0, 12));
    run(tctop, ['stats', '--no-stream', ...ids]); // its code cache
    run(tctop, ['top', ids[0]]);
    const [dockerStats, ourStats] = await interleaved(5, () => run('docker', ['stats', '--no-stream', ...ids]), () => run(tctop, ['stats', '--no-stream', ...ids]));
    const [dockerTop, ourTop] = await interleaved(7, () => run('docker', ['top', ids[0]]), () => run(tctop, ['top', ids[0]]));
    return [
      { name: `tctop stats --no-stream of ${ids.length} Docker containers`, value: ourStats, unit: 'ms', peer: { name: 'docker stats --no-stream', value: dockerStats }, target: 'ratio <= 0.1', ok: ourStats / dockerStats <= 0.1 },
      { name: 'for scale: tctop top <ref> of one Docker container', value: ourTop, unit: 'ms', peer: { name: 'docker top', value: dockerTop }, target: 'context', ok: true },
    ];
  },
};
