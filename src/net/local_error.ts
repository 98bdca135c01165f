/**
 * Telling local failures from remote ones. An accept or dial that fails
 * because this process is out of file descriptors, the kernel is out of
 * buffers, or Deno's permissions forbid it says nothing about the peer: it
 * must never disable a backend, and an accept loop must wait and retry
 * rather than end.
 * @module
 */

/** errno codes meaning this process or machine ran out of something. */
const EXHAUSTION_CODES: ReadonlySet<string> = new Set(["EMFILE", "ENFILE", "ENOBUFS", "ENOMEM"]);

/** errno codes meaning the local system refused the operation. */
const REFUSAL_CODES: ReadonlySet<string> = new Set(["EACCES", "EPERM", "EADDRNOTAVAIL"]);

/** The errno name Deno attached to `error` (`"EMFILE"`), if any. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Whether `error` says this process or machine is out of descriptors, buffers or memory. */
export function isResourceExhaustion(error: unknown): boolean {
  const code = errnoCode(error);
  return code !== undefined && EXHAUSTION_CODES.has(code);
}

/**
 * Whether `error` is the local system's fault rather than the peer's:
 * resource exhaustion, a permission the OS or Deno denied, or no local
 * address (ephemeral ports) to dial from.
 */
export function isLocalError(error: unknown): boolean {
  if (isResourceExhaustion(error)) return true;
  if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
    return true;
  }
  const code = errnoCode(error);
  return code !== undefined && REFUSAL_CODES.has(code);
}
