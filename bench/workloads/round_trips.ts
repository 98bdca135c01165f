/**
 * Request/response round trips (redis-benchmark PING_INLINE) through each
 * target: kept-alive connections, or a new connection per request.
 * @module
 */

import type { Metric, TargetName } from "../metric.ts";
import type { Children } from "../process.ts";
import { readCpuSeconds } from "../procfs.ts";
import { portFor, rotate, type Target } from "../target.ts";
import { type RoundTripLoad, runRedisBenchmark } from "../tools/redis_benchmark.ts";

/** What to call the figure and how to load the server. */
export interface RoundTripWorkload {
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

/**
 * Runs `workload` `reps` times per target; returns the rate, and the proxy's
 * CPU time per request (user + system, µs): how much of a core each request costs it.
 */
export async function measureRoundTrips(
  children: Children,
  targets: readonly Target[],
  workload: RoundTripWorkload,
  reps: number,
  progress: (line: string) => void,
): Promise<Metric[]> {
  const samples: Partial<Record<TargetName, number[]>> = {};
  const cpu: Partial<Record<TargetName, number[]>> = {};
  // Allow a floor of 500 requests/s, plus start-up.
  const timeoutMs = 30_000 + workload.load.requests * 2;
  for (let rep = 0; rep < reps; rep++) {
    for (const target of rotate(targets, rep)) {
      const before = target.pid === undefined ? undefined : await readCpuSeconds(target.pid);
      const rps = await runRedisBenchmark(
        children,
        portFor(target, "redis"),
        workload.load,
        timeoutMs,
      );
      const after = target.pid === undefined ? undefined : await readCpuSeconds(target.pid);
      (samples[target.name] ??= []).push(rps);
      let cpuLine = "";
      if (before !== undefined && after !== undefined) {
        const microseconds = (after - before) * 1e6 / workload.load.requests;
        (cpu[target.name] ??= []).push(microseconds);
        cpuLine = `, ${microseconds.toFixed(1)} ${workload.cpuUnit ?? "CPU-µs/req"}`;
      }
      progress(
        `${workload.id} ${target.name} ${rep + 1}/${reps}: ${
          Math.round(rps)
        } ${workload.unit}${cpuLine}`,
      );
    }
  }
  return [
    {
      id: workload.id,
      title: workload.title,
      unit: workload.unit,
      higherIsBetter: true,
      samples,
      ...(workload.note === undefined ? {} : { note: workload.note }),
    },
    {
      id: `${workload.id}-cpu`,
      title: workload.cpuTitle ?? "  proxy CPU per request",
      unit: workload.cpuUnit ?? "CPU-µs/req",
      higherIsBetter: false,
      samples: cpu,
    },
  ];
}
