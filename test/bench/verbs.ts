// docker's observability verbs for every runtime: `tctop stats --no-stream` against `docker stats --no-stream`
// over the same Docker containers, and `tctop top <ref>` against `docker top`.
import { spawnSync } from 'node:child_process';
import { interleaved, type BenchSuite } from './types.js';

const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
};

export const suite: BenchSuite = {
  name: 'verbs',
  wants: { extraProcesses: 0, dockerContainers: 30 },
  async run(load) {
    const tctop = 'bin/tctop';
    const ids = load.dockerIds.slice(0, 30).map((id) => id.slice(0, 12));
    run(tctop, ['stats', '--no-stream', ...ids]); // its code cache
    run(tctop, ['top', ids[0]]);
    const [dockerStats, ourStats] = await interleaved(
      5,
      () => run('docker', ['stats', '--no-stream', ...ids]),
      () => run(tctop, ['stats', '--no-stream', ...ids]),
    );
    const [dockerTop, ourTop] = await interleaved(
      7,
      () => run('docker', ['top', ids[0]]),
      () => run(tctop, ['top', ids[0]]),
    );
    return [
      {
        name: `tctop stats --no-stream of ${ids.length} Docker containers`,
        value: ourStats,
        unit: 'ms',
        peer: { name: 'docker stats --no-stream', value: dockerStats },
        target: 'ratio <= 0.1',
        ok: ourStats / dockerStats <= 0.1,
      },
      {
        name: 'for scale: tctop top <ref> of one Docker container',
        value: ourTop,
        unit: 'ms',
        peer: { name: 'docker top', value: dockerTop },
        target: 'context',
        ok: true,
      },
    ];
  },
};
