/**
 * How a session ends: one word each, as the access log, the metrics and the
 * status page say it.
 * @module
 */

/** How a session ended, as the access log says it. */
export type EndReason =
  /** The side named sent its FIN first, and both sides finished. */
  | "client close"
  | "backend close"
  /** The side named reset its connection; the other side was reset too. */
  | "client reset"
  | "backend reset"
  /** The side named stopped answering (keepalive or retransmission timeout); the other was reset. */
  | "client timeout"
  | "backend timeout"
  /** One direction ended and the other did not within `halfCloseTimeout`. */
  | "half-close timeout"
  /** Its backend failed its health check (`closeSessionsOnFailure`). */
  | "health"
  | "idle"
  | "drain"
  | "failback"
  | "shutdown"
  | "error"
  | "no backend"
  /** This process could not dial (out of descriptors, no permission); no backend is blamed. */
  | "local error";
