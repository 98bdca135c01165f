/**
 * The data path: frontends (listener + sessions), the backend upkeep that
 * keeps their balancers current, sessions, dialling and the copy loop.
 * Diagnostics read frontends only through their snapshots.
 * @module
 */

export { BufferPool, type BufferPoolOptions } from "./buffer_pool.ts";
export { denoDialer, type Dialer, DialError, LocalDialError } from "./dial.ts";
export { type DescriptorGate, type FrontendDeps, RunningFrontend } from "./frontend.ts";
export type { FrontendStatsSnapshot } from "./frontend_stats.ts";
export { ListenError } from "./listen_error.ts";
export type { EndReason } from "./end_reason.ts";
export type { BackendSnapshot, FrontendSnapshot, UpkeepSnapshot } from "./snapshot.ts";
