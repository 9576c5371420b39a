// RUN: the command in one of tctop's own containers (runtime tctop for discovery, labelled as a build step), on
// the stage's layers; its upper dir becomes the step's layer. Whatever happens, the container goes afterwards.
import { NativeError } from '../../errors.js';
import { BuildInterruptedError, BuildStepError } from './build-error.js';
import { createContainer } from '../containers/create.js';
import { BUILD_OWNER_LABEL } from '../containers/debris.js';
import { followLog } from '../containers/log-follow.js';
import type { LogEntry } from '../containers/log-reader.js';
import { bundlePath } from '../containers/paths.js';
import { processStartTime } from '../containers/proc-identity.js';
import { removeContainer } from '../containers/remove.js';
import { startContainer } from '../containers/start.js';
import { stageDirAsLayer } from '../images/diff-layer.js';
import type { ImageConfig } from '../images/image-config.js';
import { runtimeConfigOf } from '../images/image-config.js';
import { LayerStager, type StagedLayer } from '../images/layer-stager.js';
import { layerRootDir } from '../images/store-paths.js';

/** docker build's --network: RUN steps on the engine's bridge (the default), on none (loopback only) or the host's. */
export type BuildNetwork = 'bridge' | 'none' | 'host';

export interface RunStepRequest {
  root: string;
  staging: string;
  imageId: string;
  config: ImageConfig;
  args: string[];
  /** Build args visible to the command (K=V); the config's ENV wins over them. */
  buildEnv: string[];
  /** bridge: a veth, lease and namespace of its own, gone with the step's container (removeContainer). */
  network: BuildNetwork;
  labels: Record<string, string>;
  /** The container's name, telling a build step from other containers in ps. */
  name: string;
  /** The RUN instruction as docker names it in the failure message. */
  display: string;
  out: (text: string) => void;
  signal: AbortSignal;
}

export interface RunStepResult {
  layer: StagedLayer;
  diffId: string;
}

export async function runStep(req: RunStepRequest): Promise<RunStepResult> {
  const runtime = runtimeConfigOf(req.config);
  delete runtime.Entrypoint; // RUN ignores ENTRYPOINT, as docker
  const imageEnvKeys = new Set((runtime.Env ?? []).map((e) => e.slice(0, e.indexOf('='))));
  const state = await createContainer(req.root, {
    image: `build step (${req.imageId.slice(7, 19)})`,
    resolvedImage: {
      id: req.imageId,
      refs: [],
      config: runtime,
      layerDirs: req.config.rootfs.diff_ids.map((d) => layerRootDir(req.root, d.slice(7))),
    },
    cmd: req.args,
    env: req.buildEnv.filter((e) => !imageEnvKeys.has(e.slice(0, e.indexOf('=')))),
    network: req.network,
    binds: [],
    readonly: false,
    limits: {},
    autoRemove: false,
    // which process runs the step: a container whose build is gone is swept by the next create (debris.ts)
    labels: { ...req.labels, [BUILD_OWNER_LABEL]: `${process.pid}:${processStartTime(process.pid)}` },
    name: req.name,
  });
  const short = state.id.slice(0, 12);
  try {
    req.out(` ---> Running in ${short}\n`);
    // owned: a build killed outright (SIGKILL: no handler runs) takes the step's processes with it
    const started = await startContainer(req.root, state.id, { freshlyCreated: true, owned: true });
    const write = async (entries: LogEntry[]) => {
      for (const e of entries) req.out(e.text);
    };
    const exit = await followLog(req.root, started, { signal: req.signal, write });
    if (!exit) throw new BuildInterruptedError(req.signal);
    if (exit.exitCode !== 0) throw new BuildStepError(`The command '${req.display}' returned a non-zero code: ${exit.exitCode}`);
    const stager = new LayerStager(req.root, req.staging);
    const diffId = await stageDirAsLayer(
      stager,
      bundlePath(req.root, state.id, 'upper'),
      { containerUpper: true },
      `the changes of ${req.display}`,
      req.staging,
    );
    const layer = stager.staged.get(diffId);
    if (!layer) throw new NativeError('the step layer was not staged');
    req.out(`Removing intermediate container ${short}\n`);
    return { layer, diffId };
  } finally {
    await removeContainer(req.root, state.id, true);
  }
}
