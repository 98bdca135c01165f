/**
 * Test helper: every way to cut a byte stream into chunks, so framing
 * readers are proven at every byte boundary.
 * @module
 */

/**
 * Yields `bytes` cut at every combination of `cuts` positions (0..length,
 * non-decreasing), so empty chunks and cuts inside every header occur.
 */
export function* everySplit(bytes: Uint8Array, cuts: number): Generator<Uint8Array[]> {
  function* from(start: number, left: number): Generator<Uint8Array[]> {
    if (left === 0) {
      yield [bytes.subarray(start)];
      return;
    }
    for (let cut = start; cut <= bytes.length; cut++) {
      for (const rest of from(cut, left - 1)) yield [bytes.subarray(start, cut), ...rest];
    }
  }
  yield* from(0, cuts);
}
