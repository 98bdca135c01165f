/**
 * The `latency` toxic: releases each chunk `latency` ± `jitter` ms after it
 * was read, pipelined so throughput is not capped by the delay.
 * @module
 */

import { END, INTERRUPTED, TIMED_OUT, type ToxicType } from "../stage.ts";

/**
 * The delay for one chunk: `latency` plus a uniform integer in
 * [−jitter, jitter) when jitter is positive.
 */
export function latencyDelayMs(latency: number, jitter: number, random: () => number): number {
  if (jitter <= 0) return latency;
  return latency + Math.floor(random() * 2 * jitter) - jitter;
}

/**
 * `latency`: each chunk leaves at its read time + latency ± jitter. Chunks
 * queue (up to 1024) while earlier ones wait, so throughput is not capped.
 */
export const latency: ToxicType = {
  name: "latency",
  attributeNames: ["latency", "jitter"],
  bufferSize: 1024,
  closesOnRemove: false,
  goName: "LatencyToxic",
  goAttributeType: "int64",
  async pipe(io, attributes) {
    const ms = attributes.latency ?? 0;
    const jitter = attributes.jitter ?? 0;
    while (true) {
      const chunk = await io.recv();
      if (chunk === INTERRUPTED || chunk === TIMED_OUT) return;
      if (chunk === END) return io.end();
      const releaseAt = chunk.at + latencyDelayMs(ms, jitter, () => io.random());
      const slept = await io.sleep(releaseAt - io.now());
      // Later toxics in the chain count from this release, so two latencies add up.
      chunk.at = releaseAt;
      await io.send(chunk);
      if (!slept || io.interrupted) return;
    }
  },
};
