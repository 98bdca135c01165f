/**
 * One TCP stream of a fixed size (iperf3), through each target, with the
 * proxy's CPU seconds per GiB moved.
 * @module
 */

import type { Children } from "../process.ts";
import { portFor } from "../target.ts";
import { runIperf3 } from "../tools/iperf3.ts";
import type { RateWorkload } from "./rates.ts";

const GIB = 1024 ** 3;

/** iperf3 sending `bytes` as a rate workload; its CPU row is the proxy's seconds per GiB. */
export function stream(children: Children, bytes: number): RateWorkload {
  // Allow a floor of 100 MB/s, plus start-up.
  const timeoutMs = 30_000 + bytes / 100_000;
  const size = bytes >= GIB ? `${bytes / GIB} GiB` : `${bytes / 1024 ** 2} MiB`;
  return {
    id: "stream",
    title: `single stream (${size}, iperf3)`,
    unit: "Gbit/s",
    cpuTitle: "  proxy CPU for the stream",
    cpuUnit: "CPU-s/GiB",
    cpuScale: 1,
    cpuNote: "user+system time of the proxy process (/proc/<pid>/stat) per GiB received; " +
      "direct has no proxy",
    run: async (target) => {
      const result = await runIperf3(children, portFor(target, "iperf3"), bytes, timeoutMs);
      return { rate: result.gbitPerSecond, work: result.bytes / GIB };
    },
  };
}
