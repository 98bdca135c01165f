/**
 * Test helpers for byte streams: every way to cut one into chunks (so framing
 * readers are proven at every byte boundary), and joining parts.
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

/** The parts joined into one array. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
