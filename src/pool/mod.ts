/**
 * Pure pick logic: backends, leases, the pool and its fill-and-spill order.
 * No I/O, no timers: time comes in as arguments.
 * @module
 */

export { Backend, type BackendSpec, type FailureKind } from "./backend.ts";
export { Lease } from "./lease.ts";
export { pickBackend } from "./pick.ts";
export { Pool, type PoolDiff } from "./pool.ts";
