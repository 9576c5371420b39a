// One build stage, step by step: each instruction turns the stage's current image (ID, config) into the next one,
// through the cache when the step is unchanged. Layer-making steps (RUN, COPY, ADD, a WORKDIR that creates its
// directory) commit their layer to the store first; metadata steps record an empty_layer history entry.
import { promises as fsp } from 'node:fs';
import { join, posix } from 'node:path';
import { tookSlowPath } from '../../code-cache-hint.js';
import { UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import { resolveUser } from '../containers/user.js';
import type { ImageConfig } from '../images/image-config.js';
import type { StagedLayer } from '../images/layer-stager.js';
import { layerRootDir } from '../images/store-paths.js';
import type { PullPolicy } from '../images/pull-policy.js';
import { resolveBaseImage } from './base-image.js';
import type { BuildArgs } from './build-args.js';
import type { BuildNetwork } from './run-step.js';
import { lookupStep, stepKey, storeStep } from './cache.js';
import { applyMetadata, commandArgs, type ContainerConfig } from './config-apply.js';
import { hashPlan, planCopy } from './copy-layer.js';
import { resolveSources, type SourceRoot } from './copy-sources.js';
import { parseInstruction, type Instruction, type InstructionOf } from './dockerfile/parse.js';
import { envMap, processWord } from './dockerfile/shell-lex.js';
import { nextImageConfig, scratchConfig } from './image-config-next.js';
import { MergedView } from './merged-view.js';
import type { FileDigests } from './file-digests.js';
import type { Sha256Memo } from './sha256-memo.js';

export interface StageState {
  index: number;
  name?: string;
  /** sha256:<hex> of the current config (the base image's ID right after FROM). */
  id: string;
  config: ImageConfig;
  bytes: Buffer;
  cmdSet: boolean;
  args: Map<string, string | undefined>;
}

export interface BuildSession {
  root: string;
  /** The build's staging dir, made on first use (a fully cached build needs none). */
  staging: () => Promise<string>;
  context: SourceRoot;
  stages: StageState[];
  buildArgs: BuildArgs;
  noCache: boolean;
  /** When a FROM or COPY --from image is pulled (--pull: always). */
  pull: PullPolicy;
  network: BuildNetwork;
  escape: string;
  out: (text: string) => void;
  signal: AbortSignal;
  buildId: string;
  stepNumber: number;
  /** The digests earlier builds computed (sha256-memo.ts). */
  memo: Sha256Memo;
  /** The copied files' digests by their lstat (file-digests.ts). */
  files: FileDigests;
}

const nop = (text: string) => `/bin/sh -c #(nop) ${text}`;
let stagingCount = 0;

export function viewOf(root: string, config: ImageConfig): MergedView {
  return new MergedView([...config.rootfs.diff_ids].reverse().map((d) => layerRootDir(root, d.slice(7))));
}

function containerConfig(state: StageState): ContainerConfig {
  return structuredClone((state.config.config ?? {}) as ContainerConfig);
}

function substitutionEnv(s: BuildSession, state: StageState): Map<string, string> {
  return envMap(s.buildArgs.entries(state.args), (state.config.config?.Env as string[] | undefined) ?? []);
}

function adopt(state: StageState, bytes: Buffer, config: ImageConfig, id: string): void {
  state.bytes = bytes;
  state.config = config;
  state.id = id;
}

/** Cache lookup, else `make` (which commits any layer it makes); prints docker's lines either way. */
async function step(s: BuildSession, state: StageState, description: string, make: () => Promise<ImageConfig>): Promise<void> {
  const key = stepKey(state.id, description, s.memo);
  const hit = s.noCache ? null : lookupStep(s.root, key, s.memo);
  if (hit) {
    s.out(' ---> Using cache\n');
    adopt(state, hit.bytes, hit.config, hit.id);
  } else {
    tookSlowPath(); // what this run compiles is no model for the fully cached rebuilds' code cache
    const config = await make();
    const bytes = Buffer.from(JSON.stringify(config));
    await storeStep(s.root, key, bytes);
    adopt(state, bytes, config, s.memo.digest(bytes));
  }
  s.out(` ---> ${state.id.slice(7, 19)}\n`);
}

async function commitLayer(s: BuildSession, layer: StagedLayer): Promise<void> {
  const { commitImages } = await import('../images/commit.js');
  await commitImages(s.root, [layer], []);
}

/** A staged dir as the step's layer, committed. Loaded only on a cache miss: a cached build never needs tar. */
async function dirAsLayer(s: BuildSession, staging: string, dir: string, what: string): Promise<string> {
  const { LayerStager } = await import('../images/layer-stager.js');
  const { stageDirAsLayer } = await import('../images/diff-layer.js');
  const stager = new LayerStager(s.root, staging);
  const diffId = await stageDirAsLayer(stager, dir, {}, what, staging);
  await commitLayer(s, stager.staged.get(diffId)!);
  return diffId;
}

async function freshStaging(s: BuildSession): Promise<string> {
  return join(await s.staging(), `step-${stagingCount++}`);
}

export async function startStage(s: BuildSession, instr: InstructionOf<'FROM'>, index: number): Promise<StageState> {
  const ref = processWord(instr.image, envMap(s.buildArgs.entries(s.buildArgs.global)), s.escape);
  if (!ref) throw new UsageError(`Dockerfile line ${instr.line}: FROM: base name (${cell(instr.image, 100)}) should not be blank`);
  const parent = s.stages.find((st) => st.name === ref.toLowerCase());
  const base = parent
    ? { id: parent.id, config: parent.config, bytes: parent.bytes }
    : ref === 'scratch'
      ? (() => {
          const bytes = Buffer.from(JSON.stringify(scratchConfig()));
          return { id: s.memo.digest(bytes), config: scratchConfig(), bytes };
        })()
      : await resolveBaseImage(s.root, ref, s.pull, { write: s.out });
  const state: StageState = {
    index,
    name: instr.stageName,
    id: base.id,
    config: structuredClone(base.config),
    bytes: base.bytes,
    cmdSet: false,
    args: new Map(),
  };
  s.out(` ---> ${ref === 'scratch' ? 'scratch' : state.id.slice(7, 19)}\n`);
  const triggers = (state.config.config?.OnBuild as string[] | undefined) ?? [];
  if (triggers.length) {
    s.out(`# Executing ${triggers.length} build trigger${triggers.length > 1 ? 's' : ''}\n`);
    for (const text of triggers) await executeStep(s, state, parseInstruction({ line: instr.line, text }, s.escape));
  }
  if (state.config.config) delete state.config.config.OnBuild; // triggers run once, in the first child
  return state;
}

async function sourceRootFor(s: BuildSession, state: StageState, from: string | true | undefined, keyword: string): Promise<SourceRoot> {
  if (from === undefined) return s.context;
  if (typeof from !== 'string' || from === '') throw new UsageError(`${keyword} --from needs a stage name, index or image`);
  const name = processWord(from, substitutionEnv(s, state), s.escape);
  const stage = /^\d+$/.test(name) ? s.stages[Number(name)] : s.stages.find((st) => st.name === name.toLowerCase());
  if (/^\d+$/.test(name) && (!stage || stage.index >= state.index))
    throw new UsageError(`${keyword} --from=${cell(name, 60)}: no such earlier stage`);
  if (stage) return { view: viewOf(s.root, stage.config), contextDir: null, what: `stage ${stage.name ?? stage.index}` };
  const image = await resolveBaseImage(s.root, name, s.pull, { write: s.out });
  return { view: viewOf(s.root, image.config), contextDir: null, what: `image ${name}` };
}

async function copyStep(s: BuildSession, state: StageState, instr: InstructionOf<'COPY' | 'ADD'>): Promise<void> {
  const env = substitutionEnv(s, state);
  const word = (w: string) => processWord(w, env, s.escape);
  const raws = instr.sources.map(word);
  if (instr.keyword === 'ADD' && raws.some((r) => /^[a-z][a-z0-9+.-]*:\/\//i.test(r)))
    throw new UsageError(
      `Dockerfile line ${instr.line}: ADD: remote URLs are not supported by tctop build; download the file into the context and ADD it from there`,
    );
  const root = await sourceRootFor(s, state, instr.flags.get('from'), instr.keyword);
  const { sources, wildcard } = resolveSources(raws, root, instr.keyword);
  const workdir = (state.config.config?.WorkingDir as string | undefined) || '/';
  const rawDest = word(instr.dest);
  const dest = (
    rawDest.startsWith('/') ? rawDest : posix.join(workdir, rawDest) + (rawDest.endsWith('/') || rawDest === '.' ? '/' : '')
  ).replace(/^\/+/, '/');
  const layers = viewOf(s.root, state.config);
  const chown = instr.flags.get('chown');
  const owner = typeof chown === 'string' ? resolveUser(word(chown), layers.layers) : { uid: 0, gid: 0 };
  const chmodFlag = instr.flags.get('chmod');
  if (chmodFlag !== undefined && (typeof chmodFlag !== 'string' || !/^[0-7]{3,4}$/.test(chmodFlag)))
    throw new UsageError(`Dockerfile line ${instr.line}: ${instr.keyword}: invalid --chmod value (an octal mode such as 755)`);
  const chmod = typeof chmodFlag === 'string' ? parseInt(chmodFlag, 8) : undefined;
  const plan = planCopy({
    sources,
    dest,
    multiple: sources.length > 1 || wildcard,
    stageView: layers,
    owner: { uid: owner.uid, gid: owner.gid },
    chmod,
    add: instr.keyword === 'ADD',
    keyword: instr.keyword,
  });
  const contentHash = await hashPlan(plan, s.memo, s.files);
  const shown = `${instr.keyword.toLowerCase()}:${contentHash.slice(0, 12)} in ${dest}`;
  await step(s, state, `${instr.keyword} ${contentHash} ${dest} from=${root.what}`, async () => {
    const dir = await freshStaging(s);
    const layerRoot = join(dir, 'content');
    await fsp.mkdir(layerRoot, { recursive: true, mode: 0o755 });
    const { writePlan } = await import('./copy-layer-write.js');
    await writePlan(plan, layerRoot);
    const diffId = await dirAsLayer(s, dir, layerRoot, `the files of ${instr.keyword}`);
    return nextImageConfig(state.config, containerConfig(state), { createdBy: nop(`${instr.keyword} ${shown} `), diffId });
  });
}

async function workdirStep(s: BuildSession, state: StageState, instr: InstructionOf<'WORKDIR'>): Promise<void> {
  const config = containerConfig(state);
  applyMetadata(config, instr, { env: substitutionEnv(s, state), escape: s.escape, cmdSet: state.cmdSet });
  const dir = config.WorkingDir ?? '/';
  await step(s, state, `WORKDIR ${dir} ${JSON.stringify(config)}`, async () => {
    // the parent's merged view is read on a miss alone: whether the directory exists follows from the parent,
    // which the step key holds, so a cached WORKDIR need not read the parent's layers
    const view = viewOf(s.root, state.config);
    const exists = view.lookup(view.resolve(dir))?.stat.isDirectory() ?? false;
    if (exists) return nextImageConfig(state.config, config, { createdBy: nop(`WORKDIR ${dir}`) });
    // the directory is made as docker's builder makes it, in a layer of its own
    const staging = await freshStaging(s);
    const layerRoot = join(staging, 'content');
    const plan = planCopy({
      sources: [],
      dest: dir + '/',
      multiple: false,
      stageView: view,
      owner: { uid: 0, gid: 0 },
      add: false,
      keyword: 'WORKDIR',
    });
    plan.newParents.add(view.resolve(dir));
    await fsp.mkdir(layerRoot, { recursive: true, mode: 0o755 });
    const { writePlan } = await import('./copy-layer-write.js');
    await writePlan(plan, layerRoot);
    const diffId = await dirAsLayer(s, staging, layerRoot, 'WORKDIR');
    return nextImageConfig(state.config, config, { createdBy: nop(`WORKDIR ${dir}`), diffId });
  });
}

async function runInstruction(s: BuildSession, state: StageState, instr: InstructionOf<'RUN'>): Promise<void> {
  const config = containerConfig(state);
  const args = commandArgs(instr.command, config.Shell);
  const declared = s.buildArgs.entries(state.args);
  const createdBy = (declared.length ? `|${declared.length} ${declared.join(' ')} ` : '') + args.join(' ');
  await step(s, state, `RUN ${JSON.stringify(args)} ${JSON.stringify(declared)}`, async () => {
    const dir = await freshStaging(s);
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    const { runStep } = await import('./run-step.js');
    const { layer, diffId } = await runStep({
      root: s.root,
      staging: dir,
      imageId: state.id,
      config: state.config,
      args,
      buildEnv: [...declared, ...s.buildArgs.predefined(state.args)],
      network: s.network,
      labels: { 'org.tctop.build': s.buildId, 'org.tctop.build.step': String(s.stepNumber) },
      name: `tctop-build-${s.buildId}-step${s.stepNumber}`,
      display: args.join(' '),
      out: s.out,
      signal: s.signal,
    });
    await commitLayer(s, layer);
    return nextImageConfig(state.config, config, { createdBy, diffId });
  });
}

export async function executeStep(s: BuildSession, state: StageState, instr: Instruction): Promise<void> {
  switch (instr.keyword) {
    case 'FROM':
      throw new UsageError('FROM inside a stage'); // the builder starts stages itself
    case 'RUN':
      return runInstruction(s, state, instr as InstructionOf<'RUN'>);
    case 'COPY':
    case 'ADD':
      return copyStep(s, state, instr);
    case 'WORKDIR':
      return workdirStep(s, state, instr as InstructionOf<'WORKDIR'>);
    case 'ARG': {
      const env = substitutionEnv(s, state);
      for (const a of instr.args)
        s.buildArgs.declare(a.name, a.value === undefined ? undefined : processWord(a.value, env, s.escape), state.args, true);
      const shown = instr.args.map((a) => `${a.name}${state.args.get(a.name) !== undefined ? '=' + state.args.get(a.name) : ''}`).join(' ');
      return step(s, state, `ARG ${shown}`, async () =>
        nextImageConfig(state.config, containerConfig(state), { createdBy: nop(`ARG ${instr.args.map((a) => a.name).join(' ')}`) }),
      );
    }
    default: {
      const config = containerConfig(state);
      const ctx = { env: substitutionEnv(s, state), escape: s.escape, cmdSet: state.cmdSet };
      const { author } = applyMetadata(config, instr, ctx);
      state.cmdSet = ctx.cmdSet;
      return step(s, state, `${instr.original}\n${JSON.stringify(config)}\n${author ?? ''}`, async () =>
        nextImageConfig(state.config, config, { createdBy: nop(instr.original), author }),
      );
    }
  }
}
