// Image references as docker spells them: [registry[:port]/]path[:tag], tag "latest" by default.
import { UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';

export interface ImageReference {
  name: string;
  tag: string;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN =
  /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
export const DEFAULT_TAG = 'latest';

function bad(input: string, why: string): UsageError {
  return new UsageError(`invalid image reference "${cell(input, 200)}": ${why}`);
}

/** Parses and validates; docker.io/library/x and docker.io/x are stored as x (docker's familiar form). */
export function parseReference(input: string): ImageReference {
  if (input.includes('@')) throw bad(input, 'digest references are not supported, use name[:tag] or an image ID');
  const slash = input.lastIndexOf('/');
  const colon = input.lastIndexOf(':');
  const hasTag = colon > slash;
  let name = hasTag ? input.slice(0, colon) : input;
  const tag = hasTag ? input.slice(colon + 1) : DEFAULT_TAG;
  if (!TAG.test(tag)) throw bad(input, 'a tag is up to 128 letters, digits, "_", "." and "-", not starting with "." or "-"');
  if (name.length === 0 || name.length > 255) throw bad(input, 'the name must be 1 to 255 characters');
  const parts = name.split('/');
  const first = parts[0];
  const hasDomain = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasDomain && !DOMAIN.test(first)) throw bad(input, `"${cell(first, 100)}" is not a registry host`);
  for (const part of hasDomain ? parts.slice(1) : parts) {
    if (!PATH_COMPONENT.test(part))
      throw bad(input, 'name components are lowercase letters and digits, separated by ".", "_", "__" or "-"');
  }
  if (name.startsWith('docker.io/library/')) name = name.slice('docker.io/library/'.length);
  else if (name.startsWith('docker.io/')) name = name.slice('docker.io/'.length);
  return { name, tag };
}

export function formatReference(ref: ImageReference): string {
  return `${ref.name}:${ref.tag}`;
}

/** "busybox" -> "busybox:latest"; throws on a malformed reference. */
export function normalizeReference(input: string): string {
  return formatReference(parseReference(input));
}
