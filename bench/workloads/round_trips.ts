/**
 * Request/response round trips (redis-benchmark PING_INLINE) through each
 * target: kept-alive connections, or a new connection per request.
 * @module
 */

import type { Metric, TargetName } from "../metric.ts";
import type { Children } from "../process.ts";
import { portFor, rotate, type Target } from "../target.ts";
import { type RoundTripLoad, runRedisBenchmark } from "../tools/redis_benchmark.ts";

/** What to call the figure and how to load the server. */
export interface RoundTripWorkload {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly load: RoundTripLoad;
  readonly note?: string;
}

/** Runs `workload` `reps` times per target; one rate per run. */
export async function measureRoundTrips(
  children: Children,
  targets: readonly Target[],
  workload: RoundTripWorkload,
  reps: number,
  progress: (line: string) => void,
): Promise<Metric> {
  const samples: Partial<Record<TargetName, number[]>> = {};
  // Allow a floor of 500 requests/s, plus start-up.
  const timeoutMs = 30_000 + workload.load.requests * 2;
  for (let rep = 0; rep < reps; rep++) {
    for (const target of rotate(targets, rep)) {
      const rps = await runRedisBenchmark(
        children,
        portFor(target, "redis"),
        workload.load,
        timeoutMs,
      );
      (samples[target.name] ??= []).push(rps);
      progress(
        `${workload.id} ${target.name} ${rep + 1}/${reps}: ${Math.round(rps)} ${workload.unit}`,
      );
    }
  }
  return {
    id: workload.id,
    title: workload.title,
    unit: workload.unit,
    higherIsBetter: true,
    samples,
    ...(workload.note === undefined ? {} : { note: workload.note }),
  };
}
