// create: everything validated first (image, command, user, flags, host), then under the names lock the state dir,
// cgroup, config.json, launch.conf and finally state.json. Any failure undoes all of it: nothing half-created.
import { mkdir, rm } from 'node:fs/promises';
import { posix } from 'node:path';
import { ConflictError, UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import { resolveImage } from '../images/resolve.js';
import { createContainerCgroup, removeContainerCgroup, type ResourceLimits } from './cgroups.js';
import { warmCgroupMigrations } from './migration-warmup.js';
import { removeForgottenAutoRemoved, sweepDebris } from './debris.js';
import { containerEnv } from './environment.js';
import { writeEtcFiles } from './etc-files.js';
import { newContainerId } from './ids.js';
import { encodeLaunchConf, type BindMount, type LaunchConf } from './launch-conf.js';
import { replaceFile } from './replace-file.js';
import { withNamesLock } from './locks.js';
import { generateName, validateName } from './names.js';
import { buildOciConfig } from './oci-config.js';
import { bundlePath, containerDir, containersDir } from './paths.js';
import { requireOverlayfs, requireRoot } from './preflight.js';
import { shimBinaryPath } from './shim-binary.js';
import type { ContainerSpec } from './spec.js';
import { writeState, type ContainerState } from './state.js';
import { listContainers } from './store.js';
import { resolveUser } from './user.js';

export interface CreateRequest {
  image: string;
  /** CMD (replaces the image's Cmd when non-empty). */
  cmd: string[];
  name?: string;
  /** K=V entries, already parsed. */
  env: string[];
  workdir?: string;
  user?: string;
  hostname?: string;
  network: 'none' | 'host';
  binds: BindMount[];
  readonly: boolean;
  limits: ResourceLimits;
  autoRemove: boolean;
  labels?: Record<string, string>;
  /** An image not in the store (a build step's intermediate one): used instead of looking `image` up. */
  resolvedImage?: ReturnType<typeof resolveImage>;
}

function buildSpec(id: string, req: CreateRequest, image: ReturnType<typeof resolveImage>): ContainerSpec {
  const lowerdirs = [...image.layerDirs].reverse();
  const args = [...(image.config.Entrypoint ?? []), ...(req.cmd.length ? req.cmd : image.config.Cmd ?? [])];
  if (args.length === 0) throw new UsageError(`no command specified: image ${cell(req.image, 100)} has no Cmd or Entrypoint`);
  const userSpec = req.user ?? image.config.User ?? '';
  const user = resolveUser(userSpec, lowerdirs);
  const hostname = req.hostname ?? id.slice(0, 12);
  return {
    args,
    env: containerEnv(image.config.Env ?? [], req.env, hostname, user.home),
    cwd: req.workdir ?? posix.resolve('/', image.config.WorkingDir ?? '/'), // docker reads a relative WorkingDir from /
    user: { uid: user.uid, gid: user.gid, groups: user.groups },
    userSpec,
    hostname,
    network: req.network,
    binds: req.binds,
    readonly: req.readonly,
    limits: req.limits,
    lowerdirs,
  };
}

export async function createContainer(root: string, req: CreateRequest): Promise<ContainerState> {
  requireRoot();
  requireOverlayfs();
  const wantedName = req.name === undefined ? undefined : validateName(req.name);
  const image = req.resolvedImage ?? resolveImage(root, req.image);
  const id = newContainerId();
  const spec = buildSpec(id, req, image);
  shimBinaryPath(); // a missing build is reported before anything exists
  return withNamesLock(root, async () => {
    await sweepDebris(root);
    const existing = await removeForgottenAutoRemoved(root, listContainers(root));
    const taken = new Set(existing.map((c) => c.name));
    if (wantedName !== undefined && taken.has(wantedName)) throw new ConflictError(`the container name "${cell(wantedName, 100)}" is already in use`);
    const name = wantedName ?? generateName(taken);
    const dir = containerDir(root, id);
    // root's alone: upper/ holds whatever the container writes, and the files hold its environment
    await mkdir(dir, { recursive: false, mode: 0o700 }).catch(async (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await mkdir(containersDir(root), { recursive: true, mode: 0o711 });
      await mkdir(dir, { mode: 0o700 });
    });
    let cgroupMade = false;
    try {
      // the cgroup first: the warm-up for the start that usually follows (migration-warmup.ts) may begin only once
      // it exists, and the longer it runs before the shim's join, the more of the kernel's wait it hides
      const cgroup = createContainerCgroup(id, req.limits);
      cgroupMade = true;
      warmCgroupMigrations();
      await Promise.all([mkdir(bundlePath(root, id, 'rootfs')), mkdir(bundlePath(root, id, 'upper')), mkdir(bundlePath(root, id, 'work'))]);
      // docker's /etc/hostname, hosts and resolv.conf go first, so the user's volumes mount over them
      spec.binds = [...writeEtcFiles(dir, spec.hostname, spec.network, spec.binds), ...spec.binds];
      const launch: LaunchConf = {
        id,
        lowerDirs: spec.lowerdirs,
        upperDir: bundlePath(root, id, 'upper'),
        workDir: bundlePath(root, id, 'work'),
        rootfs: bundlePath(root, id, 'rootfs'),
        readOnly: spec.readonly,
        hostname: spec.hostname,
        network: spec.network,
        args: spec.args,
        env: spec.env,
        cwd: spec.cwd,
        uid: spec.user.uid,
        gid: spec.user.gid,
        groups: spec.user.groups,
        binds: spec.binds,
        cgroups: cgroup.dirs,
        oomFile: cgroup.oomFile,
        logFile: bundlePath(root, id, 'log'),
        exitFile: bundlePath(root, id, 'exit'),
      };
      replaceFile(bundlePath(root, id, 'config'), JSON.stringify(buildOciConfig(id, spec), null, 2) + '\n');
      replaceFile(bundlePath(root, id, 'launch'), encodeLaunchConf(launch));
      const state: ContainerState = {
        id,
        name,
        image: req.image,
        imageId: image.id,
        status: 'created',
        createdAt: new Date().toISOString(),
        startedAt: null,
        finishedAt: null,
        exitCode: null,
        exitSignal: null,
        oomKilled: false,
        pid: null,
        pidStartTime: null,
        shimPid: null,
        shimStartTime: null,
        labels: req.labels ?? {},
        bundle: dir,
        autoRemove: req.autoRemove,
        cgroup,
        config: spec,
      };
      writeState(root, state);
      return state;
    } catch (err) {
      if (cgroupMade) await removeContainerCgroup(id).catch(() => {});
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  });
}
