/**
 * Every chaos scenario, in the order `deno task chaos` runs them.
 * @module
 */

import type { Scenario } from "../scenario.ts";
import { baseline } from "./baseline.ts";
import { failback, failbackCapacity, failbackIdle, failbackOff } from "./failback.ts";
import { blackhole } from "./blackhole.ts";
import { dnsChange } from "./dns_change.ts";
import { fillSpill } from "./fill_spill.ts";
import { flapping } from "./flapping.ts";
import { fleet } from "./fleet.ts";
import { latencyShift } from "./latency_shift.ts";
import { nodeDown } from "./node_down.ts";
import { integrity } from "./integrity.ts";
import { resetThrough } from "./reset_through.ts";
import { redisResetThrough } from "./redis_reset_through.ts";
import { halfCloseTimeout } from "./half_close_timeout.ts";
import { healthClose } from "./health_close.ts";
import { deadIdlePeer } from "./dead_idle_peer.ts";
import { resetTimeout } from "./reset_timeout.ts";
import { redisFailover } from "./redis_failover.ts";
import { pgShutdown } from "./pg_shutdown.ts";
import { pgFailback, pgTls } from "./pg_failback.ts";
import { pgCancel, pgReplica } from "./pg_replica.ts";
import { redisFailback } from "./redis_failback.ts";
import { reloadUnderLoad } from "./reload.ts";
import { refuseRecover } from "./refuse_recover.ts";
import { regionOutage } from "./region_outage.ts";

/** The suite. */
export const SCENARIOS: readonly Scenario[] = [
  baseline,
  fillSpill,
  regionOutage,
  refuseRecover,
  nodeDown,
  resetTimeout,
  resetThrough,
  redisResetThrough,
  halfCloseTimeout,
  healthClose,
  deadIdlePeer,
  integrity,
  redisFailover,
  pgShutdown,
  pgFailback,
  pgTls,
  pgReplica,
  pgCancel,
  redisFailback,
  failback,
  failbackOff,
  failbackCapacity,
  failbackIdle,
  latencyShift,
  blackhole,
  flapping,
  reloadUnderLoad,
  dnsChange,
  fleet,
];
