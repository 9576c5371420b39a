// What run/create's --privileged, --cap-add/--cap-drop and --security-opt ask for, parsed and checked before
// anything is created, and the per-container artefacts they become (capability mask, compiled seccomp filter).
import { UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import { capabilityMask, effectiveCapabilities } from './capabilities.js';
import { compileSeccomp } from './seccomp-bpf.js';
import { cachedFilter } from './filter-cache.js';
import { dockerDefaultProfileText, readProfileFile, resolveProfile } from './seccomp-profile.js';

export interface SecurityFlags {
  privileged?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  securityOpt?: string[];
}

/** Kept in the container's config (state.json), shown by inspect. */
export interface SecuritySpec {
  privileged: boolean;
  /** The capabilities a root process of the container holds (bounding set for every user). */
  capabilities: string[];
  /** 'default' (docker's profile), 'unconfined', or the path of the user's profile as given. */
  seccomp: string;
  /** Always true: tctop sets no_new_privs for every container process. */
  noNewPrivileges: true;
}

export interface SecurityPlan {
  spec: SecuritySpec;
  /** 16 hex digits for launch.conf's `caps`. */
  capsMask: string;
  /** The BPF program for launch.conf's `seccomp`, null when unconfined. */
  seccompFilter: Buffer | null;
}

/** docker accepts both `key=value` and the old `key:value`. */
function splitOpt(opt: string): [string, string | undefined] {
  const m = /^([a-z-]+)(?:[=:](.*))?$/s.exec(opt);
  if (!m) throw new UsageError(`invalid --security-opt "${cell(opt, 80)}"`);
  return [m[1], m[2]];
}

export function planSecurity(f: SecurityFlags): SecurityPlan {
  const privileged = f.privileged === true;
  let seccomp = 'default';
  let custom: { text: string; json: unknown } | undefined;
  for (const opt of f.securityOpt ?? []) {
    const [key, value] = splitOpt(opt);
    if (key === 'seccomp') {
      if (!value) throw new UsageError('--security-opt seccomp needs a value: unconfined or a profile file');
      seccomp = value;
      custom = value === 'unconfined' ? undefined : readProfileFile(value);
    } else if (key === 'no-new-privileges') {
      if (value !== undefined && value !== 'true' && value !== 'false')
        throw new UsageError(`invalid --security-opt no-new-privileges value "${cell(value, 40)}": use true or false`);
      if (value === 'false')
        throw new UsageError(
          '--security-opt no-new-privileges=false is not supported: tctop always sets no_new_privs (setuid binaries gain nothing in its containers)',
        );
    } else if (key === 'label' && value === 'disable') {
      // SELinux labelling is never applied by tctop: disabling it changes nothing
    } else {
      throw new UsageError(`--security-opt ${cell(key, 40)} is not supported (tctop knows seccomp=, no-new-privileges and label=disable)`);
    }
  }
  const capabilities = effectiveCapabilities(f.capAdd ?? [], f.capDrop ?? [], privileged);
  // as moby's WithSeccomp: a privileged container gets no filter at all, whatever profile was named
  const confined = seccomp !== 'unconfined' && !privileged;
  let seccompFilter: Buffer | null = null;
  const capsMask = capabilityMask(capabilities);
  if (confined && custom) {
    // a custom profile is checked now even when cached, so a bad one is refused whatever the cache holds
    resolveProfile(custom.json, capabilities);
    seccompFilter = cachedFilter({ kind: 'custom', text: custom.text }, capsMask, () =>
      compileSeccomp(resolveProfile(custom.json, capabilities)),
    );
  } else if (confined) {
    seccompFilter = cachedFilter({ kind: 'default' }, capsMask, () =>
      compileSeccomp(resolveProfile(JSON.parse(dockerDefaultProfileText()), capabilities)),
    );
  }
  return {
    spec: { privileged, capabilities, seccomp: confined ? seccomp : 'unconfined', noNewPrivileges: true },
    capsMask,
    seccompFilter,
  };
}
