/**
 * The sidecar's floors from issue 2, each judged on figures of one run.
 * @module
 */

import type { MetricSummary } from "./metric.ts";

/** A floor: a bound on a ratio to HAProxy or on an absolute figure. */
export interface Floor {
  readonly metricId: string;
  readonly description: string;
  /** What is compared: sidecar ÷ HAProxy, or the sidecar's own figure. */
  readonly measure: "ratioToHaproxy" | "sidecar";
  readonly bound: number;
  /** `atLeast` for rates, `atMost` for costs. */
  readonly kind: "atLeast" | "atMost";
}

/** The floors the sidecar must meet. */
export const FLOORS: readonly Floor[] = [
  {
    metricId: "stream",
    description: "single stream ≥ 1.3× HAProxy",
    measure: "ratioToHaproxy",
    bound: 1.3,
    kind: "atLeast",
  },
  {
    metricId: "rtt-50",
    description: "requests/s at 50 connections ≥ 0.9× HAProxy",
    measure: "ratioToHaproxy",
    bound: 0.9,
    kind: "atLeast",
  },
  {
    metricId: "connect",
    description: "new connections/s ≥ 0.7× HAProxy",
    measure: "ratioToHaproxy",
    bound: 0.7,
    kind: "atLeast",
  },
  {
    metricId: "idle-memory",
    description: "memory ≤ 20 KiB per idle proxied connection",
    measure: "sidecar",
    bound: 20,
    kind: "atMost",
  },
];

/** How a floor came out. */
export interface FloorVerdict {
  readonly floor: Floor;
  /** The compared figure, when it could be measured. */
  readonly value: number | undefined;
  /** `unknown`: the metric or HAProxy was not measured in this run. */
  readonly result: "pass" | "fail" | "unknown";
}

/** Judges each floor whose metric is in `summaries`. */
export function judgeFloors(
  summaries: readonly MetricSummary[],
  floors: readonly Floor[] = FLOORS,
): FloorVerdict[] {
  const verdicts: FloorVerdict[] = [];
  for (const floor of floors) {
    const summary = summaries.find((candidate) => candidate.id === floor.metricId);
    if (summary === undefined) continue;
    const value = floor.measure === "ratioToHaproxy"
      ? summary.sidecarToHaproxy
      : summary.medians.sidecar;
    const result = value === undefined
      ? "unknown"
      : (floor.kind === "atLeast" ? value >= floor.bound : value <= floor.bound)
      ? "pass"
      : "fail";
    verdicts.push({ floor, value, result });
  }
  return verdicts;
}
