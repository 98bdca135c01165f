/**
 * Decisions about one frontend's backends: the balancer over the pool,
 * health state, latency sub-tiers, maintenance (drain, failback) and the
 * decision log that explains them. Pure: no sockets, no timers.
 * @module
 */

export { Balancer, type ProbePurpose, type ProbeResult } from "./balancer.ts";
export { type Decision, type DecisionKind, DecisionLog } from "./decisions.ts";
export { type Closure, type SessionView } from "./maintenance.ts";
export { healthFailureClosures } from "./health_close.ts";
export { MovesInFlight } from "./moves_in_flight.ts";
