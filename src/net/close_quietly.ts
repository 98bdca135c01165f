/**
 * Closing a socket that may already be closed (by the peer's error path,
 * a timeout, or shutdown) without caring which came first.
 * @module
 */

/** Closes `resource` (if any), ignoring "already closed". */
export function closeQuietly(resource: { close(): void } | undefined): void {
  try {
    resource?.close();
  } catch {
    // Already closed.
  }
}
