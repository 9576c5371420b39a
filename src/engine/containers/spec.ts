// What a container was created with: the parsed, validated form of the run/create flags plus what the image gave.
import type { ResourceLimits } from './cgroups.js';
import type { BindMount, RestartPolicy } from './launch-conf.js';
import type { NetworkMode } from '../network/mode.js';
import type { SecuritySpec } from '../security/security-spec.js';

export type { BindMount, RestartPolicy };

export interface ContainerSpec {
  args: string[];
  env: string[];
  cwd: string;
  user: { uid: number; gid: number; groups: number[] };
  /** The -u value (or the image's User), as given. */
  userSpec: string;
  hostname: string;
  network: NetworkMode;
  binds: BindMount[];
  readonly: boolean;
  limits: ResourceLimits;
  /** Image layer roots, top-most first (overlay lowerdir order). */
  lowerdirs: string[];
  /** -t, -i, --restart (absent in containers created before they existed). */
  tty?: boolean;
  openStdin?: boolean;
  restart?: RestartPolicy;
  /** Capabilities, seccomp, privileged (absent: created before these existed, docker's defaults without a filter). */
  security?: SecuritySpec;
}
