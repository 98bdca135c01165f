/**
 * One simulated run as the report wants it: a scenario variant for one
 * fleet size, its figures and its per-backend series. Runs in a worker
 * (see worker.ts) or in-process.
 * @module
 */

import { simulateFleet } from "./fleet.ts";
import { peakFigures } from "./metrics.ts";
import type { ReportRun } from "./report.ts";
import {
  parseScenario,
  type Scenario,
  usesDefaults,
  withoutSlowStartAndJitter,
  withPool,
} from "./scenario.ts";

/** The two variants every fleet size runs. */
export type Variant = "configured" | "bare";

/** The label of a variant in the summary lines and the report. */
export function variantLabel(scenario: Scenario, variant: Variant): string {
  if (variant === "bare") return "no slow start, no jitter";
  return usesDefaults(scenario.poolInput) ? "defaults" : "as configured";
}

/** The scenario as a variant runs it. */
export function variantOf(scenario: Scenario, variant: Variant): Scenario {
  return variant === "bare"
    ? withPool(scenario, withoutSlowStartAndJitter(scenario.poolInput))
    : scenario;
}

/** What a worker is asked to run. */
export interface RunRequest {
  /** The scenario file's parsed value (validated again in the worker). */
  readonly value: unknown;
  readonly file: string;
  readonly seed: number;
  readonly sidecars: number;
  readonly variant: Variant;
}

/** Runs one request in this thread. */
export function runRequest(request: RunRequest): ReportRun {
  const parsed = { ...parseScenario(request.value, request.file), seed: request.seed };
  const scenario = variantOf(parsed, request.variant);
  const run = simulateFleet(scenario, request.sidecars);
  return {
    sidecars: request.sidecars,
    variant: variantLabel(parsed, request.variant),
    figures: peakFigures(run.metrics, scenario),
    binMs: run.metrics.binMs,
    elapsedMs: run.elapsedMs,
    events: run.events,
    backends: run.metrics.backends.map((series) => ({
      name: series.name,
      tier: series.tier,
      connects: [...series.connects],
      failbackCloses: [...series.failbackCloses],
      cuts: [...series.cuts],
      probes: [...series.probes],
      sessions: [...series.sessions],
    })),
  };
}
