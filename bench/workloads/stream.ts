/**
 * One TCP stream of a fixed size (iperf3), through each target, with the
 * proxy's CPU seconds per GiB moved.
 * @module
 */

import type { Metric, TargetName } from "../metric.ts";
import type { Children } from "../process.ts";
import { readCpuSeconds } from "../procfs.ts";
import { portFor, rotate, type Target } from "../target.ts";
import { runIperf3 } from "../tools/iperf3.ts";

const GIB = 1024 ** 3;

/** Runs the stream `reps` times per target; returns throughput and CPU cost. */
export async function measureStream(
  children: Children,
  targets: readonly Target[],
  bytes: number,
  reps: number,
  progress: (line: string) => void,
): Promise<Metric[]> {
  const rates: Partial<Record<TargetName, number[]>> = {};
  const cpu: Partial<Record<TargetName, number[]>> = {};
  // Allow a floor of 100 MB/s, plus start-up.
  const timeoutMs = 30_000 + bytes / 100_000;
  for (let rep = 0; rep < reps; rep++) {
    for (const target of rotate(targets, rep)) {
      const before = target.pid === undefined ? undefined : await readCpuSeconds(target.pid);
      const result = await runIperf3(children, portFor(target, "iperf3"), bytes, timeoutMs);
      const after = target.pid === undefined ? undefined : await readCpuSeconds(target.pid);
      (rates[target.name] ??= []).push(result.gbitPerSecond);
      let cpuLine = "";
      if (before !== undefined && after !== undefined) {
        const perGib = (after - before) / (result.bytes / GIB);
        (cpu[target.name] ??= []).push(perGib);
        cpuLine = `, ${perGib.toFixed(2)} CPU-s/GiB`;
      }
      progress(
        `stream ${target.name} ${rep + 1}/${reps}: ${
          result.gbitPerSecond.toFixed(1)
        } Gbit/s${cpuLine}`,
      );
    }
  }
  const size = bytes >= GIB ? `${bytes / GIB} GiB` : `${bytes / 1024 ** 2} MiB`;
  return [
    {
      id: "stream",
      title: `single stream (${size}, iperf3)`,
      unit: "Gbit/s",
      higherIsBetter: true,
      samples: rates,
    },
    {
      id: "stream-cpu",
      title: "  proxy CPU for the stream",
      unit: "CPU-s/GiB",
      higherIsBetter: false,
      samples: cpu,
      note: "user+system time of the proxy process (/proc/<pid>/stat) per GiB received; " +
        "direct has no proxy",
    },
  ];
}
