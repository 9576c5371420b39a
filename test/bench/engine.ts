// The engine against Docker on the same image (docker save -> tctop load): `run --rm IMG true` end to end, as a
// user types it, runs interleaved so load drift hits both alike (with a pause between, so neither pays for the other's
// teardown); `run -it` start-to-prompt on a real pty; and the resident memory of one shim each (ours also with a tty
// and a restart policy).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_IMAGE } from '../helpers/docker.js';
import { startToPrompt } from './engine-tty.js';
import { median, run, settle, timed, type BenchRow, type BenchSuite } from './types.js';
import { publishedRunRows } from './engine-published.js';

const RUNS = 15;
const PROMPT_RUNS = 7;

function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}

function ppid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

export const suite: BenchSuite = {
  name: 'engine',
  wants: { extraProcesses: 0, dockerContainers: 0 },
  async run(): Promise<BenchRow[]> {
    const root = mkdtempSync(join(tmpdir(), 'tctop-bench-engine-'));
    // a bridge of the bench's own (removed below); the run --rm row uses --network none, as the suite's dockerd
    // (--bridge=none) gives its containers no network either
    const bridge = `tctb${process.pid}`;
    const env = { ...process.env, TCTOP_ROOT: root, TCTOP_NETWORK_BRIDGE: bridge };
    const tctop = (args: string[]) => run('bin/tctop', args, env);
    const docker = (args: string[]) => run('docker', args);
    const cleanup: Array<() => void> = [];
    try {
      const archive = join(root, 'image.tar');
      docker(['save', '-o', archive, TEST_IMAGE]);
      tctop(['load', '-q', '-i', archive]);
      for (let i = 0; i < 2; i++) {
        tctop(['run', '--rm', '--network', 'none', TEST_IMAGE, 'true']); // warm the page cache and the CPU caches for both
        docker(['run', '--rm', '--label', 'tctop-bench=1', TEST_IMAGE, 'true']);
      }
      const ours: number[] = [];
      const theirs: number[] = [];
      const uncached: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        ours.push(timed(() => tctop(['run', '--rm', '--network', 'none', TEST_IMAGE, 'true'])));
        settle();
        theirs.push(timed(() => docker(['run', '--rm', '--label', 'tctop-bench=1', TEST_IMAGE, 'true'])));
        settle();
        if (i % 3 === 0) {
          uncached.push(
            timed(() => run('bin/tctop', ['run', '--rm', '--network', 'none', TEST_IMAGE, 'true'], { ...env, TCTOP_NO_CODE_CACHE: '1' })),
          );
          settle();
        }
      }
      const runOurs = median(ours);
      const runDocker = median(theirs);

      const id = tctop(['run', '-d', TEST_IMAGE, 'sleep', '120']).trim();
      cleanup.push(() => spawnSync('bin/tctop', ['rm', '-f', id], { env, stdio: 'ignore' }));
      const shimPid = JSON.parse(readFileSync(join(root, 'containers', id, 'state.json'), 'utf8')).shimPid as number;
      const dockerId = docker(['run', '-d', '--label', 'tctop-bench=1', TEST_IMAGE, 'sleep', '120']).trim();
      cleanup.push(() => spawnSync('docker', ['rm', '-f', dockerId], { stdio: 'ignore' }));
      const containerdShim = ppid(Number(docker(['inspect', '-f', '{{.State.Pid}}', dockerId]).trim()));
      const comm = readFileSync(`/proc/${containerdShim}/comm`, 'utf8').trim();
      if (!comm.startsWith('containerd-shim')) throw new Error(`the docker container's parent is ${comm}, not containerd-shim-runc-v2`);
      const oursKiB = rssKiB(shimPid);
      const theirsKiB = rssKiB(containerdShim);

      // a shell on a pty, interleaved with docker's; and the shim holding a pty master under a restart policy
      const promptOurs: number[] = [];
      const promptDocker: number[] = [];
      for (let i = 0; i < PROMPT_RUNS; i++) {
        promptOurs.push(await startToPrompt('bin/tctop', ['run', '-it', '--rm', TEST_IMAGE, 'sh'], env));
        settle();
        promptDocker.push(await startToPrompt('docker', ['run', '-it', '--rm', '--label', 'tctop-bench=1', TEST_IMAGE, 'sh'], process.env));
        settle();
      }
      const ttyId = tctop(['run', '-itd', '--restart', 'always', TEST_IMAGE, 'sh']).trim();
      cleanup.push(() => spawnSync('bin/tctop', ['rm', '-f', ttyId], { env, stdio: 'ignore' }));
      const ttyShimKiB = rssKiB(JSON.parse(readFileSync(join(root, 'containers', ttyId, 'state.json'), 'utf8')).shimPid as number);
      const published = await publishedRunRows(tctop, archive);
      return [
        {
          name: `tctop run --rm ${TEST_IMAGE} true (median of ${RUNS})`,
          value: runOurs,
          unit: 'ms',
          peer: { name: 'docker run --rm', value: runDocker },
          target: 'ratio <= 0.5',
          ok: runOurs / runDocker <= 0.5,
        },
        {
          name: `for scale: the same run without the code cache (median of ${uncached.length})`,
          value: median(uncached),
          unit: 'ms',
          peer: { name: 'docker run --rm', value: runDocker },
          target: 'context',
          ok: true,
        },
        {
          name: `tctop-shim RSS (${oursKiB} KiB)`,
          value: oursKiB / 1024,
          unit: 'MiB',
          peer: { name: `containerd-shim-runc-v2 RSS (${theirsKiB} KiB)`, value: theirsKiB / 1024 },
          target: 'ratio <= 0.1',
          ok: oursKiB / theirsKiB <= 0.1,
        },
        {
          name: `tctop run -it --rm ${TEST_IMAGE} sh: start to prompt on a pty (median of ${PROMPT_RUNS})`,
          value: median(promptOurs),
          unit: 'ms',
          peer: { name: 'docker run -it --rm', value: median(promptDocker) },
          target: 'value < 100 ms',
          ok: median(promptOurs) < 100,
        },
        {
          name: `tctop-shim RSS with a tty and --restart always (${ttyShimKiB} KiB)`,
          value: ttyShimKiB / 1024,
          unit: 'MiB',
          peer: { name: `containerd-shim-runc-v2 RSS (${theirsKiB} KiB)`, value: theirsKiB / 1024 },
          target: 'ratio <= 0.1',
          ok: ttyShimKiB / theirsKiB <= 0.1,
        },
        ...published,
      ];
    } finally {
      for (const c of cleanup.reverse()) c();
      spawnSync('ip', ['link', 'del', bridge], { stdio: 'ignore' });
      spawnSync('nft', ['delete', 'table', 'ip', bridge], { stdio: 'ignore' });
      rmSync(root, { recursive: true, force: true });
    }
  },
};
