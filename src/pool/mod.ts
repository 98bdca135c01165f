/**
 * Pure pick logic: backends and their failure state machine, leases, the
 * pool and its fill-and-spill order. No I/O, no timers: time comes in as
 * arguments.
 * @module
 */

export { Backend, type BackendSpec, clockTime, type HealthView } from "./backend.ts";
export {
  type Failure,
  type FailureKind,
  type FailurePhase,
  FailureState,
} from "./failure_state.ts";
export { LATENCY_SAMPLES, LatencySamples } from "./latency_samples.ts";
export { Lease } from "./lease.ts";
export { pickBackend } from "./pick.ts";
export { Pool, type PoolDiff } from "./pool.ts";
