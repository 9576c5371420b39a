// Where the engine keeps its containers and what it calls the files there: the engine writes them, discovery (and
// anyone else) reads them. docs/engine-contract.md describes every file; this is its one TypeScript statement.
// A leaf: imports nothing of tctop's, so discovery can depend on it without depending on the engine.
import { join } from 'node:path';
import { isFullId } from '../text/ids.js';

export const DEFAULT_ROOT = '/var/lib/tctop';

/** $TCTOP_ROOT, or /var/lib/tctop (an empty TCTOP_ROOT counts as unset). */
export function tctopRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.TCTOP_ROOT || DEFAULT_ROOT;
}

/** <root>/containers: one state directory per container, named by its full ID. */
export function containersDir(root: string): string {
  return join(root, 'containers');
}

/** The files of a container's state directory (also its OCI bundle) that processes other than their writer read. */
export const STATE_DIR_FILES = {
  config: 'config.json',
  launch: 'launch.conf',
  state: 'state.json',
  exit: 'exit.json',
  log: 'container.log',
  /** The shim's restart-policy record: restartCount, restarting (docs/engine-contract.md, "Terminals, attach and restart policies"). */
  run: 'run.json',
} as const;

/**
 * run/tctop/names (under the host's root): one entry `<id>.<name>` a container (nameLinkEntry), made with its cgroup
 * (create, or a start that brings the cgroup back after a reboot) and removed with it. Whichever engine root holds
 * its state, a reader learns every container cgroup's name with one readdir (discovery's selection of 30 of 1,000).
 */
export const NAME_LINKS_DIR = 'run/tctop/names';

/** The entry's name: the full ID, a dot, the name (docker's name rules keep it a single path component). */
export function nameLinkEntry(id: string, name: string): string {
  return `${id}.${name}`;
}

/** [id, name] of an entry of NAME_LINKS_DIR; undefined for anything else (a rename's temporary, a stray file). */
export function parseNameLinkEntry(entry: string): [string, string] | undefined {
  const dot = entry.indexOf('.');
  const id = entry.slice(0, 64);
  if (dot !== 64 || entry.length === 65 || !isFullId(id)) return undefined;
  return [id, entry.slice(65)];
}

/** The shim's process name (its comm) and its command line: `tctop-shim --id <id> --state <state dir>`. */
export const SHIM_COMM = 'tctop-shim';
export const SHIM_ID_FLAG = '--id';
export const SHIM_STATE_FLAG = '--state';
