/**
 * How a session ends: one word each, as the access log, the metrics and the
 * status page say it.
 * @module
 */

/** How a session ended, as the access log says it. */
export type EndReason =
  | "client close"
  | "backend close"
  | "idle"
  | "drain"
  | "failback"
  | "shutdown"
  | "error"
  | "no backend"
  /** This process could not dial (out of descriptors, no permission); no backend is blamed. */
  | "local error";
