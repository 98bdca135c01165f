/**
 * `healthCheck.closeSessionsOnFailure`: when an active check takes a backend
 * down, its sessions are closed so their clients reconnect to a healthy
 * one — smeared over half a maintenance tick, like a drain, so they do not
 * all reconnect at once. Pure: time and randomness come in as arguments.
 * @module
 */

import type { Closure, SessionView } from "./maintenance.ts";

/**
 * Closures for every session of `backendKey` among `sessions`, each at a
 * random delay in [0, intervalMs / 2).
 */
export function healthFailureClosures(
  backendKey: string,
  sessions: readonly SessionView[],
  intervalMs: number,
  rng: () => number,
  detail: string,
): Closure[] {
  return sessions.filter((session) => session.backendKey === backendKey).map((session) => ({
    sessionId: session.id,
    reason: "health",
    delayMs: Math.floor(rng() * intervalMs * 0.5),
    why: `health check failing: ${backendKey}: ${detail}`,
  }));
}
