/**
 * Diagnostics: a `(Request) => Response` handler over snapshots of the
 * running sidecar (`/healthz`, `/readyz`, `/statusz`, `/configz`,
 * `/metrics`, the dashboard) and the server that binds it.
 * @module
 */

export { createDiagHandler, createHealthHandler, type DiagSource } from "./handler.ts";
export {
  DiagEndpoint,
  type DiagListen,
  type DiagStall,
  isLoopback,
  startDiagServer,
} from "./server.ts";
export { createDiagSource, type DiagParts, type RunningView } from "./source.ts";
export { parseExposition } from "./exposition_parse.ts";
export type { BackendStatus, FrontendStatus, ReloadView, Status, TierStatus } from "./status.ts";
