/**
 * The `limit_data` toxic: forwards up to `bytes` per connection direction,
 * then closes.
 * @module
 */

import { END, INTERRUPTED, TIMED_OUT, type ToxicType } from "../stage.ts";

/**
 * What limit_data does with a chunk of `length` bytes when `sent` bytes of
 * `limit` have gone: how many to forward, and whether to close afterwards.
 */
export function limitChunk(
  length: number,
  limit: number,
  sent: number,
): { forward: number; close: boolean } {
  const remaining = Math.max(0, limit - sent);
  const forward = Math.min(length, remaining);
  return { forward, close: remaining - forward <= 0 };
}

/**
 * `limit_data`: forwards until `bytes` have gone in this connection
 * direction, cutting the last chunk short, then closes. The count lives in
 * the stage state, so it survives updates.
 */
export const limitData: ToxicType = {
  name: "limit_data",
  attributeNames: ["bytes"],
  bufferSize: 0,
  closesOnRemove: false,
  goName: "LimitDataToxic",
  goAttributeType: "int64",
  async pipe(io, attributes, state) {
    const limit = attributes.bytes ?? 0;
    while (true) {
      const chunk = await io.recv();
      if (chunk === INTERRUPTED || chunk === TIMED_OUT) return;
      if (chunk === END) return io.end();
      const sent = state.sent ?? 0;
      const { forward, close } = limitChunk(chunk.data.length, limit, sent);
      if (forward > 0) {
        state.sent = sent + forward;
        await io.send({ data: chunk.data.subarray(0, forward), at: chunk.at });
      }
      if (close) return io.end();
      if (io.interrupted) return;
    }
  },
};
