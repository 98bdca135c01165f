/**
 * What the sidecar must reach, judged on figures of one run: the floors of
 * issue 2 (a failed floor fails the run) and the targets of issue 15
 * (reported, not fatal), against HAProxy, the Go Iaido or an absolute bound.
 * @module
 */

import type { MetricSummary } from "./metric.ts";

/** A bound on a ratio to a peer proxy or on the sidecar's own figure. */
export interface Floor {
  readonly metricId: string;
  readonly description: string;
  /** `floor`: failing it fails the run (exit 3); `target`: a goal, only reported. */
  readonly level: "floor" | "target";
  /** What is compared: sidecar ÷ HAProxy, sidecar ÷ Go Iaido, or the sidecar's own figure. */
  readonly measure: "ratioToHaproxy" | "ratioToIaidoGo" | "sidecar";
  readonly bound: number;
  /** `atLeast` for rates, `atMost` for costs. */
  readonly kind: "atLeast" | "atMost";
}

const floor = (
  metricId: string,
  description: string,
  measure: Floor["measure"],
  kind: Floor["kind"],
  bound: number,
): Floor => ({ metricId, description, level: "floor", measure, bound, kind });

const target = (
  metricId: string,
  description: string,
  measure: Floor["measure"],
  kind: Floor["kind"],
  bound: number,
): Floor => ({ metricId, description, level: "target", measure, bound, kind });

/** The rates the sidecar must match the Go original on (issue 15: every row ≥ 1.0×). */
const RATE_METRICS = ["stream", "rtt-1", "rtt-50", "connect", "pgbench-1", "pgbench-8"];

/** The floors (issue 2) and targets (issue 15) the sidecar is judged on. */
export const FLOORS: readonly Floor[] = [
  floor("stream", "single stream ≥ 1.3× HAProxy", "ratioToHaproxy", "atLeast", 1.3),
  floor("rtt-50", "requests/s at 50 connections ≥ 0.9× HAProxy", "ratioToHaproxy", "atLeast", 0.9),
  floor("connect", "new connections/s ≥ 0.7× HAProxy", "ratioToHaproxy", "atLeast", 0.7),
  floor("idle-memory", "memory ≤ 20 KiB per idle proxied connection", "sidecar", "atMost", 20),
  target("stream", "single stream ≥ 1.6× HAProxy", "ratioToHaproxy", "atLeast", 1.6),
  target("rtt-1", "requests/s at 1 connection ≥ 1.0× HAProxy", "ratioToHaproxy", "atLeast", 1),
  target("rtt-50", "requests/s at 50 connections ≥ 1.0× HAProxy", "ratioToHaproxy", "atLeast", 1),
  target("connect", "new connections/s ≥ 0.9× HAProxy", "ratioToHaproxy", "atLeast", 0.9),
  target("pgbench-1", "pgbench -S, 1 client ≥ 1.0× HAProxy", "ratioToHaproxy", "atLeast", 1),
  target("pgbench-8", "pgbench -S, 8 clients ≥ 1.0× HAProxy", "ratioToHaproxy", "atLeast", 1),
  target("idle-memory", "memory ≤ 12 KiB per idle proxied connection", "sidecar", "atMost", 12),
  ...RATE_METRICS.map((id) =>
    target(id, `${id} ≥ 1.0× the Go Iaido`, "ratioToIaidoGo", "atLeast", 1)
  ),
  target("idle-memory", "idle memory ≤ 1.0× the Go Iaido's", "ratioToIaidoGo", "atMost", 1),
];

/** How a floor came out. */
export interface FloorVerdict {
  readonly floor: Floor;
  /** The compared figure, when it could be measured. */
  readonly value: number | undefined;
  /** `unknown`: the metric or the peer was not measured in this run. */
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
      : floor.measure === "ratioToIaidoGo"
      ? summary.sidecarToIaidoGo
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
