// tctop build against docker's classic builder (DOCKER_BUILDKIT=0, both --network none) on the same 6-step Dockerfile
// and context: cold (--no-cache, the base image present) and fully cached rebuilds, interleaved run by run with a
// pause between, so the machine's drift lands on both alike. Every image docker made is removed afterwards.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_IMAGE } from '../helpers/docker.js';
import { median, run, settle, timed, type BenchRow, type BenchSuite } from './types.js';

const RUNS = 7;

const DOCKERFILE = `FROM ${TEST_IMAGE}
ENV APP=/app
WORKDIR /app
COPY . /app/
RUN cat /app/data/* > /app/all && rm -rf /app/data
CMD ["cat", "/app/all"]
`;

export const suite: BenchSuite = {
  name: 'build',
  wants: { extraProcesses: 0, dockerContainers: 0 },
  async run(): Promise<BenchRow[]> {
    const work = mkdtempSync(join(tmpdir(), 'tctop-bench-build-'));
    const root = join(work, 'root');
    const ctx = join(work, 'ctx');
    const env = { ...process.env, TCTOP_ROOT: root };
    const dockerEnv = { ...process.env, DOCKER_BUILDKIT: '0' };
    const dockerIds = new Set<string>();
    try {
      mkdirSync(join(ctx, 'data'), { recursive: true });
      for (let i = 0; i < 50; i++) writeFileSync(join(ctx, 'data', `f${i}`), `line ${i}\n`.repeat(20));
      writeFileSync(join(ctx, 'Dockerfile'), DOCKERFILE);
      run('docker', ['save', '-o', join(work, 'base.tar'), TEST_IMAGE]);
      run('bin/tctop', ['load', '-q', '-i', join(work, 'base.tar')], env);
      const tctop = (extra: string[]) => run('bin/tctop', ['build', '-q', '--network', 'none', ...extra, '-t', 'bench-build:1', ctx], env);
      const docker = (extra: string[]) =>
        dockerIds.add(run('docker', ['build', '-q', '--network', 'none', ...extra, ctx], dockerEnv).trim());
      tctop([]); // warm-up: the CLI's code cache, the page cache, both builders' first build
      docker([]);
      const cold = { tctop: [] as number[], docker: [] as number[] };
      const cached = { tctop: [] as number[], docker: [] as number[] };
      for (let i = 0; i < RUNS; i++) {
        cold.tctop.push(timed(() => tctop(['--no-cache'])));
        settle();
        cold.docker.push(timed(() => docker(['--no-cache'])));
        settle();
      }
      for (let i = 0; i < RUNS; i++) {
        cached.tctop.push(timed(() => tctop([])));
        settle();
        cached.docker.push(timed(() => docker([])));
        settle();
      }
      const [tc, dc, tw, dw] = [median(cold.tctop), median(cold.docker), median(cached.tctop), median(cached.docker)];
      return [
        {
          name: 'tctop build (6 steps, cold: --no-cache)',
          value: tc,
          unit: 'ms',
          peer: { name: 'docker build (classic builder)', value: dc },
          target: 'ratio <= 1',
          ok: tc <= dc,
        },
        {
          name: 'tctop build (6 steps, fully cached)',
          value: tw,
          unit: 'ms',
          peer: { name: 'docker build (classic builder), cached', value: dw },
          target: 'ratio <= 0.5',
          ok: tw <= 0.5 * dw,
        },
      ];
    } finally {
      if (dockerIds.size) spawnSync('docker', ['rmi', '-f', ...dockerIds], { stdio: 'ignore' });
      rmSync(work, { recursive: true, force: true });
    }
  },
};
