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
 * end offset of every piece, in order. Any attributes finish: a cut always
 * leaves a byte on each side and a 1-byte piece is never cut, so an
 * `average` below 1 gives 1-byte pieces and a `variation` at or above the
 * average cannot make an empty or inverted piece (where the real server
 * recurses forever or panics).
 */
export function sliceEnds(
  length: number,
  average: number,
  variation: number,
  random: () => number,
): number[] {
  const ends: number[] = [];
  // Depth first, left piece first (the order the real server's recursion draws in), on an
  // explicit stack: odd attributes can make the cut tree deep.
  const pending: [number, number][] = length > 0 ? [[0, length]] : [];
  while (pending.length > 0) {
    const [start, end] = pending.pop()!;
    if (end - start <= 1 || end - start - average <= variation) {
      ends.push(end);
      continue;
    }
    const offset = variation > 0 ? Math.floor(random() * 2 * variation) - variation : 0;
    const middle = start + Math.floor((end - start) / 2) + offset;
    const mid = Math.min(end - 1, Math.max(start + 1, middle));
    pending.push([mid, end], [start, mid]);
  }
  return ends;
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
  goName: "SlicerToxic",
  goAttributeType: "int",
  async pipe(io, attributes) {
    const average = attributes.average_size ?? 0;
    const variation = attributes.size_variation ?? 0;
    const delayUs = Math.max(0, attributes.delay ?? 0);
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
