// An exec'd process gets the container's own confinement, as runc exec does: its capability set and its seccomp
// filter (a container created before these existed keeps docker's default caps, without a filter).
import { join } from 'node:path';
import type { ContainerState } from '../containers/state.js';
import { capabilityMask } from './capabilities.js';

export function execSecurityArgs(state: ContainerState): string[] {
  const sec = state.config.security;
  if (!sec) return ['--caps-default'];
  const args = ['--caps', capabilityMask(sec.capabilities)];
  const filter = join(state.bundle, 'seccomp.bpf');
  if (sec.seccomp !== 'unconfined') args.push('--seccomp', filter); // missing: the shim refuses, never runs unconfined
  return args;
}
