// The flags run and create share, and their translation into a validated CreateRequest (nothing created yet).
import type { Command } from 'commander';
import type { CreateRequest } from '../../../engine/containers/create.js';
import { cell } from '../../../text/sanitize.js';

export interface CreateFlags {
  name?: string;
  env?: string[];
  workdir?: string;
  user?: string;
  hostname?: string;
  memory?: string;
  cpus?: string;
  pidsLimit?: string;
  cpusetCpus?: string;
  network: string;
  publish?: string[];
  publishAll?: boolean;
  volume?: string[];
  readOnly?: boolean;
  rm?: boolean;
  interactive?: boolean;
  tty?: boolean;
  restart?: string;
  privileged?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  securityOpt?: string[];
  pull?: string;
}

/** Repeatable options, without a default (commander would print "(default: [])" in the help). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function addCreateOptions(cmd: Command): Command {
  return cmd
    .argument('<image>', 'image name[:tag] or ID')
    .argument('[command...]', "command and arguments (replace the image's Cmd; their own flags pass through)")
    .option('--pull <policy>', 'pull the image first: missing (default; TCTOP_PULL_POLICY changes it), always or never')
    .option('--name <name>', 'container name (default: a generated adjective_surname)')
    .option('-e, --env <K=V>', 'set an environment variable (repeatable; -e K takes K from this environment)', collect)
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('-u, --user <user>', 'name|uid[:group|gid], looked up in the image')
    .option('--hostname <name>', 'container hostname (default: the short ID)')
    .option('-m, --memory <bytes>', 'memory limit, e.g. 64m, 1g (no swap beyond it)')
    .option('--cpus <n>', 'CPU quota in CPUs, e.g. 0.5')
    .option('--pids-limit <n>', 'maximum number of processes')
    .option('--cpuset-cpus <list>', 'CPUs the container may use, e.g. 0-1')
    .option('--network <mode>', 'bridge (tctop0, an address of its own), none (loopback only), host, or container:<name|id>', 'bridge')
    .option('-p, --publish <[ip:]hostPort:containerPort[/proto]>', 'publish a container port on the host (repeatable)', collect)
    .option('-P, --publish-all', "publish the image's exposed ports on free host ports")
    .option('-v, --volume <src:dst[:ro]>', 'bind mount a host path (repeatable)', collect)
    .option('--read-only', 'mount the root filesystem read-only')
    .option('--rm', 'remove the container when it exits')
    .option('-i, --interactive', 'keep stdin open (a pipe the attached client feeds)')
    .option('-t, --tty', 'allocate a pseudo-terminal (the shim keeps its master: attach and detach at will)')
    .option('--restart <policy>', 'no, always, unless-stopped or on-failure[:max-retries], kept by the shim', 'no')
    .option('--privileged', 'every capability, no seccomp filter, /proc and /sys unmasked (host devices are NOT added)')
    .option('--cap-add <cap>', 'add a Linux capability (docker names, e.g. NET_ADMIN, or ALL; repeatable)', collect)
    .option('--cap-drop <cap>', 'drop a Linux capability (or ALL; repeatable)', collect)
    .option('--security-opt <opt>', 'seccomp=unconfined|<profile.json>, no-new-privileges (repeatable)', collect)
    .passThroughOptions();
}

/** Every value checked here, before the engine creates anything. */
export async function createRequest(image: string, command: string[], f: CreateFlags): Promise<CreateRequest> {
  const v = await import('../../../engine/containers/flag-values.js');
  const limits: CreateRequest['limits'] = {};
  if (f.memory !== undefined) limits.memoryBytes = v.parseMemory(f.memory);
  if (f.cpus !== undefined) limits.nanoCpus = v.parseCpus(f.cpus);
  if (f.pidsLimit !== undefined) limits.pidsLimit = v.parsePidsLimit(f.pidsLimit);
  if (f.cpusetCpus !== undefined) limits.cpusetCpus = v.parseCpuset(f.cpusetCpus);
  return {
    image,
    cmd: command,
    name: f.name,
    env: (f.env ?? []).flatMap((e) => v.parseEnv(e) ?? []),
    workdir: f.workdir === undefined ? undefined : v.parseWorkdir(f.workdir),
    user: f.user,
    hostname: f.hostname === undefined ? undefined : v.parseHostname(f.hostname),
    network: v.parseNetwork(f.network),
    ports: await publishRequests(f.publish ?? []),
    publishAll: f.publishAll === true,
    binds: (f.volume ?? []).map(v.parseVolume),
    readonly: f.readOnly === true,
    limits,
    autoRemove: f.rm === true,
    tty: f.tty === true,
    openStdin: f.interactive === true,
    restart: (await import('../../../engine/containers/terminal-flags.js')).parseRestart(f.restart ?? 'no'),
    security: (await import('../../../engine/security/security-spec.js')).planSecurity(f),
  };
}

/**
 * The image in the store by --pull, as docker run has it: pulled first when the store lacks it (or always), its
 * progress on stderr (stdout is the container's output, or the ID). Run after the flags are validated.
 */
export async function readyImage(image: string, f: CreateFlags): Promise<void> {
  const { defaultPullPolicy, parsePullPolicy } = await import('../../../engine/images/pull-policy.js');
  const policy = f.pull === undefined ? defaultPullPolicy() : parsePullPolicy(f.pull);
  (await import('../../../engine/containers/preflight.js')).requireRoot(); // the engine's rule, before its store is read
  const { ensureImage } = await import('../../../engine/images/ensure-image.js');
  const { tctopRoot } = await import('../../../engine/images/store-paths.js');
  const root = tctopRoot();
  const pulling = async <T>(work: () => Promise<T>) => {
    const { abandonStaging } = await import('../../../engine/images/staging.js');
    const { withInterruptCleanup } = await import('../images/interrupt.js');
    return withInterruptCleanup(() => abandonStaging(root), work);
  };
  const onMissing = () => process.stderr.write(`Unable to find image '${cell(image, 200)}' locally\n`);
  await ensureImage(root, image, policy, { progress: process.stderr, onMissing, pulling });
}

async function publishRequests(specs: string[]): Promise<NonNullable<CreateRequest['ports']>> {
  if (specs.length === 0) return [];
  const { parsePublish } = await import('../../../engine/network/ports.js');
  return specs.map(parsePublish);
}
