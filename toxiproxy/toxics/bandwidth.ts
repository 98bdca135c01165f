/**
 * The `bandwidth` toxic: paces each direction to `rate` KB/s, cutting long
 * chunks into 100 ms pieces; rate 0 holds the data.
 * @module
 */

import { END, INTERRUPTED, TIMED_OUT, type ToxicType } from "../stage.ts";

/** How long `bytes` take at `rateKBps` (1 KB = 1000 bytes), in ms. */
export function transferTimeMs(bytes: number, rateKBps: number): number {
  return bytes / rateKBps;
}

/** Where a chunk is cut at `rateKBps`: pieces of rate×100 bytes, one per 100 ms, then the rest. */
export function bandwidthPieces(length: number, rateKBps: number): number[] {
  const piece = rateKBps * 100;
  const pieces: number[] = [];
  let left = length;
  while (left > piece) {
    pieces.push(piece);
    left -= piece;
  }
  pieces.push(left);
  return pieces;
}

/**
 * Paces chunks at a rate, carrying the timer error from one chunk to the
 * next so that drift does not add up. Pure: callers pass the clock readings.
 */
export class BandwidthPacer {
  #owedMs = 0;

  /** Time still owed (negative when ahead), in ms. */
  get owedMs(): number {
    return this.#owedMs;
  }

  /**
   * Schedules a chunk: returns the pieces, each with the wait before it goes
   * out. Every piece but the last waits 100 ms; the last waits what is owed.
   */
  schedule(length: number, rateKBps: number): { bytes: number; waitMs: number }[] {
    this.#owedMs += transferTimeMs(length, rateKBps);
    const sizes = bandwidthPieces(length, rateKBps);
    return sizes.map((bytes, i) => {
      if (i < sizes.length - 1) {
        this.#owedMs -= 100;
        return { bytes, waitMs: 100 };
      }
      return { bytes, waitMs: this.#owedMs };
    });
  }

  /** Records that the last wait started at `startMs` and ended at `nowMs`. */
  settle(startMs: number, nowMs: number): void {
    this.#owedMs -= nowMs - startMs;
  }
}

/**
 * `bandwidth`: limits a direction to `rate` KB/s. Rate 0 holds the data
 * until the toxic goes; so does a negative rate, which the real server
 * accepts and then crashes on.
 */
export const bandwidth: ToxicType = {
  name: "bandwidth",
  attributeNames: ["rate"],
  bufferSize: 0,
  closesOnRemove: false,
  goName: "BandwidthToxic",
  goAttributeType: "int64",
  async pipe(io, attributes) {
    const rate = attributes.rate ?? 0;
    const pacer = new BandwidthPacer();
    while (true) {
      const chunk = await io.recv();
      if (chunk === INTERRUPTED || chunk === TIMED_OUT) return;
      if (chunk === END) return io.end();
      if (rate <= 0) {
        // Hold the chunk until the toxic is updated or removed.
        await io.sleep(Infinity);
        await io.send(chunk);
        return;
      }
      let offset = 0;
      for (const { bytes, waitMs } of pacer.schedule(chunk.data.length, rate)) {
        const start = io.now();
        const slept = await io.sleep(waitMs);
        if (offset + bytes === chunk.data.length) pacer.settle(start, io.now());
        if (!slept) {
          await io.send({ data: chunk.data.subarray(offset), at: chunk.at });
          return;
        }
        await io.send({ data: chunk.data.subarray(offset, offset + bytes), at: chunk.at });
        offset += bytes;
        if (io.interrupted) {
          if (offset < chunk.data.length) {
            await io.send({ data: chunk.data.subarray(offset), at: chunk.at });
          }
          return;
        }
      }
    }
  },
};
