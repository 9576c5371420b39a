// `tctop build [-t NAME[:TAG]]... [-f Dockerfile] [--build-arg K=V] [--target STAGE] [--no-cache] [--network M]
// [-q] CONTEXT|-`: docker's classic builder, daemonless. SIGINT/SIGTERM stop the build and remove its container.
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';
import { cell } from '../../../text/sanitize.js';
import { writeStdout } from '../../stdout-direct.js';

interface BuildFlags {
  tag: string[];
  file?: string;
  buildArg: string[];
  target?: string;
  cache: boolean;
  network: string;
  quiet?: boolean;
  pull?: boolean;
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const collect = (v: string, prev: string[]) => [...prev, v];

function buildArgsOf(values: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of values) {
    const eq = v.indexOf('=');
    const key = eq < 0 ? v : v.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new UsageError(`invalid --build-arg "${cell(v, 100)}": expected KEY=VALUE`);
    // `--build-arg KEY` takes the value from the environment, as docker (and is left out when unset)
    const value = eq < 0 ? process.env[key] : v.slice(eq + 1);
    if (value !== undefined) out.set(key, value);
  }
  return out;
}

/** docker build's modes: "default" is the bridge, as under docker. */
function networkOf(mode: string): 'bridge' | 'none' | 'host' {
  if (mode === 'bridge' || mode === 'default') return 'bridge';
  if (mode === 'none' || mode === 'host') return mode;
  throw new UsageError(`unknown network mode "${cell(mode, 60)}" for build (bridge, none, host)`);
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('the Dockerfile is read from stdin ("-"), but stdin is a terminal');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('build an image from a Dockerfile')
    .argument('<context>', 'build context directory, or - to read a Dockerfile (and no context) from stdin')
    .option('-t, --tag <name:tag>', 'name and optionally a tag (repeatable)', collect, [])
    .option('-f, --file <path>', 'name of the Dockerfile (default: CONTEXT/Dockerfile; - reads stdin)')
    .option('--build-arg <key=value>', 'set a build-time variable (repeatable)', collect, [])
    .option('--target <stage>', 'build up to this stage')
    .option('--no-cache', 'do not use the build cache')
    .option('--pull', 'always pull the FROM images, even when the store has them (default: only when missing)')
    .option('--network <mode>', 'network for RUN steps: bridge (default), none or host', 'default')
    .option('-q, --quiet', 'print only the image ID on success')
    .action(async (context: string, flags: BuildFlags) => {
      const network = networkOf(flags.network);
      const buildArgs = buildArgsOf(flags.buildArg);
      const { tctopRoot } = await import('../../../engine/images/store-paths.js');
      const { abandonStaging } = await import('../../../engine/images/staging.js');
      const { buildImage } = await import('../../../engine/build/build.js');
      const { mkdtempSync, rmSync } = await import('node:fs');
      const { join } = await import('node:path');
      const root = tctopRoot();
      let dockerfileText: string | undefined;
      let contextDir = context;
      let emptyContext: string | undefined;
      if (context === '-') {
        if (flags.file === '-') throw new UsageError('the context and the Dockerfile cannot both be read from stdin');
        dockerfileText = await readStdin();
        const { tmpdir } = await import('node:os'); // here alone: node:os is no part of a build from a directory
        contextDir = emptyContext = mkdtempSync(join(tmpdir(), 'tctop-build-empty-'));
      } else if (flags.file === '-') dockerfileText = await readStdin();
      let buffered = '';
      const out = flags.quiet ? (t: string) => void (buffered += t) : writeStdout;
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => stop.abort(signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 129);
      for (const s of STOP_SIGNALS) process.on(s, onSignal);
      try {
        const result = await buildImage(root, {
          contextDir,
          dockerfilePath: dockerfileText === undefined ? flags.file : undefined,
          dockerfileText,
          tags: flags.tag,
          buildArgs,
          target: flags.target,
          noCache: !flags.cache,
          pull: flags.pull ? 'always' : undefined,
          network,
          out,
          signal: stop.signal,
        });
        if (flags.quiet) writeStdout(result.id + '\n');
      } catch (err) {
        if (flags.quiet && buffered) process.stderr.write(buffered);
        throw err;
      } finally {
        for (const s of STOP_SIGNALS) process.off(s, onSignal);
        abandonStaging(root);
        if (emptyContext) rmSync(emptyContext, { recursive: true, force: true });
      }
    });
}
