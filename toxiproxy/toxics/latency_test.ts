/**
 * Tests of the per-chunk latency draw.
 * @module
 */

import assert from "node:assert/strict";
import { latencyDelayMs } from "./latency.ts";

Deno.test("latencyDelayMs() is the latency when jitter is 0 or negative", () => {
  assert.equal(latencyDelayMs(100, 0, () => 0.5), 100);
  assert.equal(latencyDelayMs(100, -5, () => 0.5), 100);
});

Deno.test("latencyDelayMs() adds an integer in [-jitter, jitter)", () => {
  assert.equal(latencyDelayMs(100, 10, () => 0), 90);
  assert.equal(latencyDelayMs(100, 10, () => 0.9999), 109);
  assert.equal(latencyDelayMs(100, 10, () => 0.5), 100);
  for (let i = 0; i < 1000; i++) {
    const d = latencyDelayMs(100, 10, Math.random);
    assert.ok(Number.isInteger(d) && d >= 90 && d < 110);
  }
});
