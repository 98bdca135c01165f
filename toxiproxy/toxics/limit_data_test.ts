/**
 * Tests of limit_data's cut and close decisions, Toxiproxy's own cases.
 * @module
 */

import assert from "node:assert/strict";
import { limitChunk } from "./limit_data.ts";

/** Feeds chunk sizes through the limit and returns what passed, and whether it closed. */
function feed(limit: number, lengths: number[]): { passed: number[]; closed: boolean } {
  let sent = 0;
  const passed: number[] = [];
  for (const length of lengths) {
    const { forward, close } = limitChunk(length, limit, sent);
    if (forward > 0) passed.push(forward);
    sent += forward;
    if (close) return { passed, closed: true };
  }
  return { passed, closed: false };
}

Deno.test("limitChunk() at 100: 50 passes and stays open", () => {
  assert.deepEqual(feed(100, [50]), { passed: [50], closed: false });
});

Deno.test("limitChunk() at 100: exactly 100 passes, then closes", () => {
  assert.deepEqual(feed(100, [100]), { passed: [100], closed: true });
});

Deno.test("limitChunk() at 100: 150 is cut to 100", () => {
  assert.deepEqual(feed(100, [150]), { passed: [100], closed: true });
});

Deno.test("limitChunk() at 100: 4 × 25 pass, closing on the last", () => {
  assert.deepEqual(feed(100, [25, 25, 25, 25]), { passed: [25, 25, 25, 25], closed: true });
});

Deno.test("limitChunk() at 100: 90 + 20 gives 90 + 10", () => {
  assert.deepEqual(feed(100, [90, 20]), { passed: [90, 10], closed: true });
});

Deno.test("limitChunk() at 0 forwards nothing and closes at the first chunk", () => {
  assert.deepEqual(feed(0, [10]), { passed: [], closed: true });
  assert.deepEqual(feed(0, []), { passed: [], closed: false });
});

Deno.test("limitChunk() counts from what was sent before (a limit raised mid-way)", () => {
  assert.deepEqual(limitChunk(100, 120, 50), { forward: 70, close: true });
  assert.deepEqual(limitChunk(10, 100, 150), { forward: 0, close: true });
});
