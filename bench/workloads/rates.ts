/**
 * The shape every rate workload shares: run a load against each target in
 * a rotating order, `reps` times, and read the proxy's CPU time around each
 * run to give its cost per unit of work (request, transaction, GiB). A run
 * that fails is tried once more (on the shared machine a load generator
 * sometimes gets a reset that no proxy sent), and a second failure ends it.
 * @module
 */

import type { Metric, TargetName } from "../metric.ts";
import { readCpuSeconds } from "../procfs.ts";
import { rotate, type Target } from "../target.ts";

/** What one run through one target measured. */
export interface RateSample {
  /** The figure, in the workload's `unit`. */
  readonly rate: number;
  /** Work done (requests, transactions, GiB), to divide the proxy's CPU time by. */
  readonly work: number;
}

/** A rate workload: how to name its figures and how to run it once. */
export interface RateWorkload {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly note?: string;
  /** Title of the proxy's CPU cost row. */
  readonly cpuTitle: string;
  /** Unit of that row, e.g. `CPU-µs/req`. */
  readonly cpuUnit: string;
  /** Seconds of CPU per unit of work are multiplied by this (1e6 for µs). */
  readonly cpuScale: number;
  readonly cpuNote?: string;
  /** Runs the load once through `target`. */
  run(target: Target): Promise<RateSample>;
}

/** Runs `workload` `reps` times per target; returns the rate and the proxy's CPU cost. */
export async function measureRates(
  targets: readonly Target[],
  workload: RateWorkload,
  reps: number,
  progress: (line: string) => void,
): Promise<Metric[]> {
  const rates: Partial<Record<TargetName, number[]>> = {};
  const cpu: Partial<Record<TargetName, number[]>> = {};
  for (let rep = 0; rep < reps; rep++) {
    for (const target of rotate(targets, rep)) {
      const before = target.pid === undefined ? undefined : await readCpuSeconds(target.pid);
      const sample = await runOrRetry(workload, target, progress);
      const after = target.pid === undefined ? undefined : await readCpuSeconds(target.pid);
      (rates[target.name] ??= []).push(sample.rate);
      let cpuLine = "";
      if (before !== undefined && after !== undefined && sample.work > 0) {
        const cost = (after - before) * workload.cpuScale / sample.work;
        (cpu[target.name] ??= []).push(cost);
        cpuLine = `, ${cost.toPrecision(3)} ${workload.cpuUnit}`;
      }
      progress(
        `${workload.id} ${target.name} ${rep + 1}/${reps}: ${
          sample.rate.toPrecision(4)
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
      samples: rates,
      ...(workload.note === undefined ? {} : { note: workload.note }),
    },
    {
      id: `${workload.id}-cpu`,
      title: workload.cpuTitle,
      unit: workload.cpuUnit,
      higherIsBetter: false,
      samples: cpu,
      ...(workload.cpuNote === undefined ? {} : { note: workload.cpuNote }),
    },
  ];
}

/** One run through `target`, tried a second time when the first fails (and said so). */
async function runOrRetry(
  workload: RateWorkload,
  target: Target,
  progress: (line: string) => void,
): Promise<RateSample> {
  try {
    return await workload.run(target);
  } catch (error) {
    const lines = (error instanceof Error ? error.message : String(error)).split("\n")
      .filter((line) => line.trim() !== "");
    progress(`${workload.id} ${target.name}: failed (${lines.at(-1) ?? "no message"}); once more`);
    return await workload.run(target);
  }
}
