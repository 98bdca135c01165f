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
  | "no backend";
