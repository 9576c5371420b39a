// `tctop build`: the Dockerfile parsed whole first (a syntax error builds nothing), then each stage up to the
// target built step by step, printed as docker's classic builder prints it, and the result committed and tagged.
// A failure leaves no image, no container and no staging behind (the layers of the steps that succeeded stay in
// the build cache, as docker keeps their intermediate images).
import { promises as fsp, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf, NotFoundError, UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import { randomBytes } from '../random.js';
import { defaultPullPolicy, type PullPolicy } from '../images/pull-policy.js';
import { readRepositories } from '../images/repositories.js';
import { configPath } from '../images/store-paths.js';
import { sha256Digest } from '../images/sha256.js';
import { normalizeReference } from '../images/reference.js';
import { BuildArgs } from './build-args.js';
import { IgnoreMatcher, readIgnorePatterns } from './dockerignore.js';
import { parseDockerfile, type Instruction, type InstructionOf } from './dockerfile/parse.js';
import { envMap, processWord } from './dockerfile/shell-lex.js';
import { MergedView } from './merged-view.js';
import { FileDigests } from './file-digests.js';
import { Sha256Memo } from './sha256-memo.js';
import { BuildInterruptedError } from './build-error.js';
import { executeStep, startStage, type BuildSession, type StageState } from './stage.js';
import type { BuildNetwork } from './run-step.js';

export interface BuildRequest {
  contextDir: string;
  /** Path of the Dockerfile (default <context>/Dockerfile), or its text (`-f -`). */
  dockerfilePath?: string;
  dockerfileText?: string;
  tags: string[];
  buildArgs: Map<string, string>;
  target?: string;
  noCache: boolean;
  /** When FROM images are pulled (default: when missing, or TCTOP_PULL_POLICY). */
  pull?: PullPolicy;
  network: BuildNetwork;
  out: (text: string) => void;
  signal: AbortSignal;
}

export interface BuildResult {
  id: string;
  refs: string[];
}

interface StagePlan {
  from: InstructionOf<'FROM'>;
  steps: Instruction[];
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') throw new NotFoundError(`${what}: no such file: ${cell(path, 200)}`);
    if (errnoOf(err) === 'EISDIR') throw new UsageError(`${what}: ${cell(path, 200)} is a directory`);
    throw err;
  }
}

function contextDirOf(dir: string): string {
  let real: string;
  try {
    real = realpathSync.native(dir); // realpath(3): one call, not an lstat per component
  } catch {
    throw new NotFoundError(`unable to prepare context: path "${cell(dir, 200)}" not found`);
  }
  if (!statSync(real).isDirectory()) throw new UsageError(`unable to prepare context: context must be a directory: ${cell(dir, 200)}`);
  return real;
}

function planStages(instructions: Instruction[], target: string | undefined): { metaArgs: InstructionOf<'ARG'>[]; stages: StagePlan[] } {
  const metaArgs: InstructionOf<'ARG'>[] = [];
  const stages: StagePlan[] = [];
  for (const instr of instructions) {
    if (instr.keyword === 'FROM') stages.push({ from: instr, steps: [] });
    else if (stages.length === 0) metaArgs.push(instr as InstructionOf<'ARG'>);
    else stages[stages.length - 1].steps.push(instr);
  }
  if (target === undefined) return { metaArgs, stages };
  const at = stages.findIndex((s) => s.from.stageName === target.toLowerCase());
  if (at < 0) throw new UsageError(`failed to reach build target ${cell(target, 100)} in Dockerfile`);
  return { metaArgs, stages: stages.slice(0, at + 1) };
}

function storeHolds(root: string, image: StageState): boolean {
  try {
    return readFileSync(configPath(root, image.id.slice(7))).equals(image.bytes);
  } catch {
    return false;
  }
}

/** A step's usage or not-found error names the Dockerfile line and instruction, keeping its class (and exit code). */
function withLine(err: Error, instr: Instruction): Error {
  if (!(err instanceof UsageError || err instanceof NotFoundError) || /^Dockerfile line/.test(err.message)) return err;
  const text = err.message.startsWith(`${instr.keyword} failed: `) ? err.message : `${instr.keyword}: ${err.message}`;
  return new (err.constructor as typeof UsageError)(`Dockerfile line ${instr.line}: ${text}`);
}

export async function buildImage(root: string, req: BuildRequest): Promise<BuildResult> {
  const refs = req.tags.map(normalizeReference);
  const contextDir = contextDirOf(req.contextDir);
  const text = req.dockerfileText ?? readText(req.dockerfilePath ?? join(contextDir, 'Dockerfile'), 'Cannot locate specified Dockerfile');
  const dockerfile = parseDockerfile(text);
  const { metaArgs, stages } = planStages(dockerfile.instructions, req.target);
  let ignoreText = '';
  try {
    ignoreText = readFileSync(join(contextDir, '.dockerignore'), 'utf8');
  } catch {
    // no .dockerignore: nothing is left out
  }
  const buildArgs = new BuildArgs(req.buildArgs);
  let staging: Promise<string> | undefined;
  const stagingDir = () => (staging ??= import('../images/staging.js').then((m) => m.createStaging(root)));
  const session: BuildSession = {
    root,
    staging: stagingDir,
    context: {
      view: new MergedView([contextDir], false),
      contextDir,
      ignore: new IgnoreMatcher(readIgnorePatterns(ignoreText)),
      what: 'build context',
    },
    stages: [],
    buildArgs,
    noCache: req.noCache,
    pull: req.pull ?? defaultPullPolicy(),
    network: req.network,
    escape: dockerfile.escape,
    out: req.out,
    signal: req.signal,
    buildId: randomBytes(4).toString('hex'),
    stepNumber: 0,
    memo: req.noCache ? Sha256Memo.none() : Sha256Memo.load(root),
    files: req.noCache ? FileDigests.none() : FileDigests.load(root),
  };
  const total = metaArgs.length + stages.reduce((n, s) => n + 1 + s.steps.length, 0);
  const announce = (instr: Instruction) => req.out(`Step ${++session.stepNumber}/${total} : ${instr.original}\n`);
  try {
    for (const instr of metaArgs) {
      announce(instr);
      for (const a of instr.args) {
        const value =
          a.value === undefined ? undefined : processWord(a.value, envMap(buildArgs.entries(buildArgs.global)), dockerfile.escape);
        buildArgs.declare(a.name, value, buildArgs.global, false);
      }
    }
    let last: StageState | undefined;
    for (const [index, plan] of stages.entries()) {
      announce(plan.from);
      const state = await startStage(session, plan.from, index);
      for (const instr of plan.steps) {
        if (req.signal.aborted) throw new BuildInterruptedError(req.signal);
        announce(instr);
        await executeStep(session, state, instr).catch((err: Error) => {
          throw withLine(err, instr);
        });
      }
      session.stages.push(state);
      last = state;
    }
    const unused = buildArgs.unconsumed();
    if (unused.length) req.out(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
    const final = last!;
    // an unchanged rebuild changes nothing in the store: no lock taken, no file written. The store holding these
    // very bytes under this ID also proves the ID (the store's configs are named by their real digest); otherwise
    // the ID is hashed for real before the store is given anything, whatever the memo said
    const repos = readRepositories(root);
    if (!storeHolds(root, final) || refs.some((r) => repos[r] !== final.id)) {
      if (sha256Digest(final.bytes) !== final.id) throw new Error(`build: the image ID ${final.id} is not its config's digest`);
      const { commitImages } = await import('../images/commit.js');
      await commitImages(root, [], [{ configHex: final.id.slice(7), configBytes: final.bytes, config: final.config, refs }]);
    }
    req.out(`Successfully built ${final.id.slice(7, 19)}\n`);
    for (const ref of refs) req.out(`Successfully tagged ${ref}\n`);
    return { id: final.id, refs };
  } finally {
    session.memo.save(); // what this build hashed, for the next one (a failed build's steps are cached too)
    session.files.save();
    if (staging) await fsp.rm(await staging, { recursive: true, force: true });
  }
}
