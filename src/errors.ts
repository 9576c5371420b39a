// Typed errors: the library throws these; one boundary in the CLI turns them into a message and an exit code.

export class TctopError extends Error {
  readonly exitCode: number = 1;
}

/** Bad flags, bad values, malformed input given by the user. */
export class UsageError extends TctopError {
  override readonly exitCode = 2;
}

/** An ID, name, image or PID that does not exist. */
export class NotFoundError extends TctopError {}

/** A reference that matches more than one thing; the message lists the candidates. */
export class AmbiguousError extends TctopError {}

/** Conflicting state: name in use, container running, image in use. */
export class ConflictError extends TctopError {}

/** Missing privilege (not root, a capability the kernel refused). */
export class PermissionError extends TctopError {}

/** A failure of the native shim or a syscall, naming the call, path and errno. */
export class NativeError extends TctopError {}

/** The host lacks something tctop needs (overlayfs, cgroup controller, tool). */
export class UnsupportedError extends TctopError {}

/** Node's errno-bearing errors. */
export function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

/** A registry refused, failed or lied (bad credentials, unknown image, content not matching its digest, down). */
export class RegistryError extends TctopError {}
