/**
 * The `slicer` toxic: cuts each chunk into pieces around `average_size`
 * bytes and sends them `delay` µs apart.
 * @module
 */

import { END, INTERRUPTED, TIMED_OUT, type ToxicType } from "../stage.ts";

/**
 * The cut points of a chunk of `length` bytes: a piece stays whole once its
 * size exceeds `average` by at most `variation`; otherwise it is cut near its
 * middle, shifted by a random offset in [−variation, variation). Returns the
 * end offset of every piece, in order. Needs average ≥ 1 and
 * 0 ≤ variation < average, or it would never finish.
 */
export function sliceEnds(
  length: number,
  average: number,
  variation: number,
  random: () => number,
): number[] {
  const ends: number[] = [];
  const cut = (start: number, end: number): void => {
    if (end - start - average <= variation) {
      ends.push(end);
      return;
    }
    const offset = variation > 0 ? Math.floor(random() * 2 * variation) - variation : 0;
    const mid = start + Math.floor((end - start) / 2) + offset;
    cut(start, mid);
    cut(mid, end);
  };
  if (length > 0) cut(0, length);
  return ends;
}

/** Why slicer attributes would loop forever or crash, or undefined when they are usable. */
export function slicerProblem(average: number, variation: number): string | undefined {
  if (average < 1) {
    return `attribute average_size must be positive: current value is ${average}`;
  }
  if (variation < 0) {
    return `attribute size_variation must not be negative: current value is ${variation}`;
  }
  if (variation >= average) {
    return `attribute size_variation must be smaller than average_size (${average}): current value is ${variation}`;
  }
  return undefined;
}

/**
 * `slicer`: cuts each chunk into pieces of about `average_size` bytes
 * (± `size_variation`) with `delay` µs after each. Waits under a millisecond
 * are added up and taken once they reach one, as timers have ms resolution.
 */
export const slicer: ToxicType = {
  name: "slicer",
  attributeNames: ["average_size", "size_variation", "delay"],
  bufferSize: 0,
  closesOnRemove: false,
  validate(attributes) {
    return slicerProblem(attributes.average_size ?? 0, attributes.size_variation ?? 0);
  },
  async pipe(io, attributes) {
    const average = attributes.average_size ?? 0;
    const variation = attributes.size_variation ?? 0;
    const delayUs = Math.max(0, attributes.delay ?? 0);
    if (slicerProblem(average, variation) !== undefined) throw new RangeError("bad slicer");
    let owedUs = 0;
    while (true) {
      const chunk = await io.recv();
      if (chunk === INTERRUPTED || chunk === TIMED_OUT) return;
      if (chunk === END) return io.end();
      let start = 0;
      for (const end of sliceEnds(chunk.data.length, average, variation, () => io.random())) {
        await io.send({ data: chunk.data.subarray(start, end), at: chunk.at });
        start = end;
        owedUs += delayUs;
        let slept = !io.interrupted;
        if (slept && owedUs >= 1000) {
          const ms = Math.floor(owedUs / 1000);
          owedUs -= ms * 1000;
          slept = await io.sleep(ms);
        }
        if (!slept) {
          if (start < chunk.data.length) {
            await io.send({ data: chunk.data.subarray(start), at: chunk.at });
          }
          return;
        }
      }
    }
  },
};
