// `tctop commit [-c CHANGE] [-m MSG] [-a AUTHOR] <ref> [name[:tag]]`: the container's writable layer (its overlay
// upper dir) becomes a new layer on top of its image's, and the container's config (command, env, workdir, user)
// with the changes applied becomes the image's, as docker commit. A running container is frozen meanwhile.
import { rm } from 'node:fs/promises';
import { NotFoundError, UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import { bundlePath } from '../containers/paths.js';
import { resolveContainer } from '../containers/store.js';
import type { ContainerState } from '../containers/state.js';
import { commitImages, type CommittedImage } from '../images/commit.js';
import { stageDirAsLayer } from '../images/diff-layer.js';
import { whileFrozen } from '../images/diff-freeze.js';
import { readConfig, type ImageConfig } from '../images/image-config.js';
import { LayerStager } from '../images/layer-stager.js';
import { normalizeReference } from '../images/reference.js';
import { sha256Digest } from '../images/sha256.js';
import { createStaging } from '../images/staging.js';
import { applyMetadata, type ContainerConfig } from './config-apply.js';
import { parseInstruction } from './dockerfile/parse.js';
import { envMap } from './dockerfile/shell-lex.js';
import { nextImageConfig } from './image-config-next.js';

export interface CommitOptions {
  ref?: string;
  changes?: string[];
  message?: string;
  author?: string;
  /** docker's --pause (default true). */
  pause?: boolean;
}

const COMMIT_CHANGES = new Set([
  'CMD',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'LABEL',
  'ONBUILD',
  'USER',
  'VOLUME',
  'WORKDIR',
  'STOPSIGNAL',
  'HEALTHCHECK',
]);

/** The config the container ran with: its env (without what the engine adds per container), command, dir, user. */
function containerConfigOf(state: ContainerState, image: ImageConfig): ContainerConfig {
  const base = { ...((image.config ?? {}) as ContainerConfig) };
  const imageEnv = base.Env ?? [];
  const keep = (e: string) => !e.startsWith('HOSTNAME=') && (!e.startsWith('HOME=') || imageEnv.some((i) => i.startsWith('HOME=')));
  base.Env = state.config.env.filter(keep);
  const entry = base.Entrypoint ?? [];
  const args = state.config.args;
  const prefixed = entry.length > 0 && entry.every((a, i) => args[i] === a);
  base.Cmd = prefixed ? args.slice(entry.length) : args;
  if (!prefixed) base.Entrypoint = null;
  if (state.config.cwd !== '/' || base.WorkingDir) base.WorkingDir = state.config.cwd;
  if (state.config.userSpec) base.User = state.config.userSpec;
  return base;
}

export function applyChangeLines(config: ContainerConfig, changes: string[]): void {
  const ctx = { env: envMap(config.Env ?? []), escape: '\\', cmdSet: true };
  for (const change of changes) {
    ctx.env = envMap(config.Env ?? []); // a change sees the ENV of the changes before it
    let instr: ReturnType<typeof parseInstruction>;
    try {
      instr = parseInstruction({ line: 1, text: change }, '\\');
    } catch (err) {
      throw new UsageError(`--change "${cell(change, 100)}": ${(err as Error).message.replace(/^Dockerfile line 1: /, '')}`);
    }
    if (!COMMIT_CHANGES.has(instr.keyword))
      throw new UsageError(
        `--change "${cell(change, 100)}": ${instr.keyword} is not supported here (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, WORKDIR, STOPSIGNAL, HEALTHCHECK)`,
      );
    applyMetadata(config, instr, ctx);
  }
}

export async function commitContainer(root: string, ref: string, options: CommitOptions = {}): Promise<CommittedImage> {
  const refs = options.ref ? [normalizeReference(options.ref)] : [];
  const state = resolveContainer(root, ref);
  if (!state.imageId) throw new NotFoundError(`container ${state.name} has no image recorded`);
  const image = readConfig(root, state.imageId.replace(/^sha256:/, ''));
  const config = containerConfigOf(state, image);
  applyChangeLines(config, options.changes ?? []);
  const staging = await createStaging(root);
  try {
    const stager = new LayerStager(root, staging);
    const upper = bundlePath(root, state.id, 'upper');
    const stage = () => stageDirAsLayer(stager, upper, { containerUpper: true }, `the writable layer of ${state.name}`, staging);
    const frozen = state.status === 'running' && options.pause !== false;
    const diffId = frozen ? await whileFrozen(state.cgroup.dirs, stage) : await stage();
    const next = nextImageConfig(image, config, {
      createdBy: state.config.args.join(' '),
      diffId,
      author: options.author,
      comment: options.message,
    });
    const configBytes = Buffer.from(JSON.stringify(next));
    const configHex = sha256Digest(configBytes).slice(7);
    const [committed] = await commitImages(root, stager.staged.values(), [{ configHex, configBytes, config: next, refs }]);
    return committed;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
