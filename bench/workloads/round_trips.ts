/**
 * Request/response round trips (redis-benchmark PING_INLINE) through each
 * target: kept-alive connections, or a new connection per request.
 * @module
 */

import type { Children } from "../process.ts";
import { portFor } from "../target.ts";
import { type RoundTripLoad, runRedisBenchmark } from "../tools/redis_benchmark.ts";
import type { RateWorkload } from "./rates.ts";

/** What to call the figure and how to load the server. */
export interface RoundTripOptions {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly load: RoundTripLoad;
  readonly note?: string;
  /** Title of the proxy's CPU cost row. @default "  proxy CPU per request" */
  readonly cpuTitle?: string;
  /** @default "CPU-µs/req" */
  readonly cpuUnit?: string;
}

/** redis-benchmark as a rate workload; its CPU row is the proxy's µs per request. */
export function roundTrips(children: Children, options: RoundTripOptions): RateWorkload {
  const { load, cpuTitle = "  proxy CPU per request", cpuUnit = "CPU-µs/req" } = options;
  // Allow a floor of 500 requests/s, plus start-up.
  const timeoutMs = 30_000 + load.requests * 2;
  return {
    id: options.id,
    title: options.title,
    unit: options.unit,
    ...(options.note === undefined ? {} : { note: options.note }),
    cpuTitle,
    cpuUnit,
    cpuScale: 1e6,
    run: async (target) => ({
      rate: await runRedisBenchmark(children, portFor(target, "redis"), load, timeoutMs),
      work: load.requests,
    }),
  };
}
