/**
 * What a workload measures: samples per target, and their summary
 * (medians, spread, the sidecar's ratios to direct, HAProxy, the Go Iaido
 * and the floors).
 * @module
 */

import { median, ratio, spread } from "./stats.ts";

/**
 * The ways traffic goes: straight to the backend, or through one of the
 * proxies; `floor`, `node-floor`, `handle-floor` and `c-floor` are the
 * reference proxies of `--reference` (`bench/reference/`: `Deno.Conn`,
 * `node:net` and node's bare stream handles, what any Deno proxy reaches, and
 * C with read/write, what any user-space copy reaches).
 */
export type TargetName =
  | "direct"
  | "sidecar"
  | "haproxy"
  | "iaido-go"
  | "floor"
  | "node-floor"
  | "handle-floor"
  | "c-floor";

/** Targets in table order. */
export const TARGET_NAMES: readonly TargetName[] = [
  "direct",
  "sidecar",
  "haproxy",
  "iaido-go",
  "floor",
  "node-floor",
  "handle-floor",
  "c-floor",
];

/** The repeated measurements of one figure. */
export interface Metric {
  /** Stable key, used by floors and `out/bench.json`. */
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  /** `true` for rates, `false` for costs (memory, CPU). */
  readonly higherIsBetter: boolean;
  /** One value per repetition, per target; a target left out was not measured. */
  readonly samples: Partial<Record<TargetName, number[]>>;
  /** Why a column is empty or what it means, shown under the table. */
  readonly note?: string;
}

/** A metric's medians and ratios. */
export interface MetricSummary {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly higherIsBetter: boolean;
  readonly medians: Partial<Record<TargetName, number>>;
  readonly spreads: Partial<Record<TargetName, { min: number; max: number; n: number }>>;
  /** sidecar ÷ direct. */
  readonly sidecarToDirect: number | undefined;
  /** sidecar ÷ haproxy. */
  readonly sidecarToHaproxy: number | undefined;
  /** sidecar ÷ the Go Iaido. */
  readonly sidecarToIaidoGo: number | undefined;
  /** sidecar ÷ the Deno floor (the `Deno.Conn` reference proxy), when `--reference` ran it. */
  readonly sidecarToFloor: number | undefined;
  /** sidecar ÷ the `node:net` floor (the `node:net` reference proxy), when `--reference` ran it. */
  readonly sidecarToNodeFloor: number | undefined;
  /** sidecar ÷ the stream-handle floor (`bench/reference/handle_proxy.ts`), when `--reference` ran it. */
  readonly sidecarToHandleFloor: number | undefined;
  /** sidecar ÷ the C floor (`bench/reference/copy_proxy.c`), when `--reference` ran it. */
  readonly sidecarToCFloor: number | undefined;
  readonly note?: string;
}

/** Medians, spreads and ratios of `metric`; targets without samples are left out. */
export function summarize(metric: Metric): MetricSummary {
  const medians: Partial<Record<TargetName, number>> = {};
  const spreads: Partial<Record<TargetName, { min: number; max: number; n: number }>> = {};
  for (const target of TARGET_NAMES) {
    const samples = metric.samples[target];
    if (samples === undefined || samples.length === 0) continue;
    medians[target] = median(samples);
    spreads[target] = { ...spread(samples), n: samples.length };
  }
  return {
    id: metric.id,
    title: metric.title,
    unit: metric.unit,
    higherIsBetter: metric.higherIsBetter,
    medians,
    spreads,
    sidecarToDirect: ratio(medians.sidecar, medians.direct),
    sidecarToHaproxy: ratio(medians.sidecar, medians.haproxy),
    sidecarToIaidoGo: ratio(medians.sidecar, medians["iaido-go"]),
    sidecarToFloor: ratio(medians.sidecar, medians.floor),
    sidecarToNodeFloor: ratio(medians.sidecar, medians["node-floor"]),
    sidecarToHandleFloor: ratio(medians.sidecar, medians["handle-floor"]),
    sidecarToCFloor: ratio(medians.sidecar, medians["c-floor"]),
    ...(metric.note === undefined ? {} : { note: metric.note }),
  };
}
