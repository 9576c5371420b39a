// create: everything validated first (image, command, user, flags, host), then under the names lock the state dir,
// cgroup, config.json, launch.conf and finally state.json. Any failure undoes all of it: nothing half-created.
import { writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { posix } from 'node:path';
import { ConflictError, UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import { resolveImage } from '../images/resolve.js';
import { createContainerCgroup, removeContainerCgroup, type ResourceLimits } from './cgroups.js';
import { warmCgroupMigrations } from './migration-warmup.js';
import { removeForgottenAutoRemoved, removeOrphanedBuildSteps, sweepDebris } from './debris.js';
import { containerEnv } from './environment.js';
import { writeEtcFiles } from './etc-files.js';
import { newContainerId } from './ids.js';
import { writeLaunchConf, type BindMount, type LaunchConf, type RestartPolicy } from './launch-conf.js';
import { writeFileAtomic } from '../atomic-write.js';
import { withNamesLock } from './locks.js';
import { generateName, validateName } from './names.js';
import { buildOciConfig } from './oci-config.js';
import { bundlePath, containerDir, containersDir } from './paths.js';
import { requireOverlayfs, requireRoot } from './preflight.js';
import { shimBinaryPath } from './shim-binary.js';
import type { ContainerSpec } from './spec.js';
import { writeState, type ContainerState } from './state.js';
import { attachBridge, teardownNetwork, type NetworkAttachment } from '../network/attach.js';
import { checkPublish, joinedNetwork, type NetworkMode } from '../network/mode.js';
import { exposedPorts, type PortRequest } from '../network/ports.js';
import { sweepNetworkDebris } from '../network/sweep.js';
import { linkName } from './name-link.js';
import { listContainers } from './store.js';
import { resolveUser } from './user.js';
import { planSecurity, type SecurityPlan } from '../security/security-spec.js';

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
  network: NetworkMode;
  /** -p, parsed. */
  ports?: PortRequest[];
  /** -P: the image's ExposedPorts on free host ports. */
  publishAll?: boolean;
  binds: BindMount[];
  readonly: boolean;
  limits: ResourceLimits;
  autoRemove: boolean;
  labels?: Record<string, string>;
  tty?: boolean;
  openStdin?: boolean;
  restart?: RestartPolicy;
  /** Capabilities, seccomp filter, privileged (absent: planSecurity({}) = docker's defaults). */
  security?: SecurityPlan;
  /** An image not in the store (a build step's intermediate one): used instead of looking `image` up. */
  resolvedImage?: ReturnType<typeof resolveImage>;
}

function buildSpec(id: string, req: CreateRequest, image: ReturnType<typeof resolveImage>): ContainerSpec {
  const lowerdirs = [...image.layerDirs].reverse();
  const args = [...(image.config.Entrypoint ?? []), ...(req.cmd.length ? req.cmd : (image.config.Cmd ?? []))];
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
    tty: req.tty === true,
    openStdin: req.openStdin === true,
    restart: req.restart ?? { name: 'no', maxRetries: 0 },
    security: req.security?.spec,
  };
}

/** The launch.conf keys of the security plan; the filter is written into the bundle first. */
function securityLaunch(root: string, id: string, plan: SecurityPlan | undefined): Partial<LaunchConf> {
  if (!plan) return {};
  const out: Partial<LaunchConf> = { caps: plan.capsMask, privileged: plan.spec.privileged };
  if (plan.seccompFilter) {
    writeFileSync(bundlePath(root, id, 'seccomp'), plan.seccompFilter, { mode: 0o600, flag: 'wx' });
    out.seccompFile = bundlePath(root, id, 'seccomp');
  }
  return out;
}

export async function createContainer(root: string, req: CreateRequest): Promise<ContainerState> {
  requireRoot();
  requireOverlayfs();
  const wantedName = req.name === undefined ? undefined : validateName(req.name);
  const image = req.resolvedImage ?? resolveImage(root, req.image);
  const id = newContainerId();
  if (!req.security) req = { ...req, security: planSecurity({}) }; // docker's defaults: default caps and seccomp
  const spec = buildSpec(id, req, image);
  shimBinaryPath(); // a missing build is reported before anything exists
  checkPublish(req.network, req.ports ?? [], req.publishAll === true);
  const wantedPorts = [...(req.ports ?? []), ...(req.publishAll ? exposedPorts(image.config.ExposedPorts) : [])];
  return withNamesLock(root, async () => {
    await sweepDebris(root);
    await sweepNetworkDebris(root);
    const existing = await removeOrphanedBuildSteps(root, await removeForgottenAutoRemoved(root, listContainers(root)));
    const taken = new Set(existing.map((c) => c.name));
    if (wantedName !== undefined && taken.has(wantedName))
      throw new ConflictError(`the container name "${cell(wantedName, 100)}" is already in use`);
    const name = wantedName ?? generateName(taken);
    const dir = containerDir(root, id);
    // root's alone: upper/ holds whatever the container writes, and the files hold its environment
    await mkdir(dir, { recursive: false, mode: 0o700 }).catch(async (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await mkdir(containersDir(root), { recursive: true, mode: 0o711 });
      await mkdir(dir, { mode: 0o700 });
    });
    let cgroupMade = false;
    let net: NetworkAttachment | undefined;
    try {
      // the cgroup first: the warm-up for the start that usually follows (migration-warmup.ts) may begin only once
      // it exists, and the longer it runs before the shim's join, the more of the kernel's wait it hides
      const cgroup = createContainerCgroup(id, req.limits);
      cgroupMade = true;
      linkName(id, name);
      warmCgroupMigrations();
      await Promise.all([mkdir(bundlePath(root, id, 'rootfs')), mkdir(bundlePath(root, id, 'upper')), mkdir(bundlePath(root, id, 'work'))]);
      if (spec.network === 'bridge') {
        net = await attachBridge(root, id, wantedPorts);
      } else if (spec.network.startsWith('container:')) net = joinedNetwork(root, spec.network as `container:${string}`);
      // docker's /etc/hostname, hosts and resolv.conf go first, so the user's volumes mount over them
      spec.binds = [...writeEtcFiles(dir, spec.hostname, spec.network, spec.binds, undefined, net?.address), ...spec.binds];
      const launch: LaunchConf = {
        id,
        lowerDirs: spec.lowerdirs,
        upperDir: bundlePath(root, id, 'upper'),
        workDir: bundlePath(root, id, 'work'),
        rootfs: bundlePath(root, id, 'rootfs'),
        readOnly: spec.readonly,
        hostname: spec.hostname,
        network: spec.network === 'host' ? 'host' : 'none',
        netns: net?.netns,
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
        tty: spec.tty,
        openStdin: spec.openStdin,
        restart: spec.restart,
        ...securityLaunch(root, id, req.security),
      };
      writeFileAtomic(bundlePath(root, id, 'config'), JSON.stringify(buildOciConfig(id, spec, net?.netns), null, 2) + '\n', {
        durable: false,
      });
      await writeLaunchConf(bundlePath(root, id, 'launch'), launch);
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
        ...(net ? { net } : {}),
      };
      writeState(root, state);
      return state;
    } catch (err) {
      if (cgroupMade) await removeContainerCgroup(id).catch(() => {});
      if (spec.network === 'bridge') await teardownNetwork(root, id);
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  });
}
