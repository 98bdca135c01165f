/**
 * Tests of bandwidth pacing: transfer times, piece sizes and drift
 * correction.
 * @module
 */

import assert from "node:assert/strict";
import { BandwidthPacer, bandwidthPieces, transferTimeMs } from "./bandwidth.ts";

Deno.test("transferTimeMs() uses 1 KB = 1000 bytes", () => {
  assert.equal(transferTimeMs(480_000, 1000), 480);
  assert.equal(transferTimeMs(1000, 1), 1000);
});

Deno.test("bandwidthPieces() cuts at rate×100 bytes", () => {
  assert.deepEqual(bandwidthPieces(50_000, 100), [10_000, 10_000, 10_000, 10_000, 10_000]);
  assert.deepEqual(bandwidthPieces(25_000, 100), [10_000, 10_000, 5_000]);
  assert.deepEqual(bandwidthPieces(100, 1000), [100]);
});

Deno.test("BandwidthPacer.schedule() waits 100 ms per piece, then what is still owed", () => {
  const pacer = new BandwidthPacer();
  assert.deepEqual(pacer.schedule(50_000, 100), [
    { bytes: 10_000, waitMs: 100 },
    { bytes: 10_000, waitMs: 100 },
    { bytes: 10_000, waitMs: 100 },
    { bytes: 10_000, waitMs: 100 },
    { bytes: 10_000, waitMs: 100 },
  ]);
});

Deno.test("BandwidthPacer carries timer overshoot into the next chunk", () => {
  const pacer = new BandwidthPacer();
  const [first] = pacer.schedule(65_536, 1000);
  assert.ok(Math.abs(first!.waitMs - 65.536) < 1e-9);
  pacer.settle(1000, 1000 + 67.536); // the timer fired 2 ms late
  const [second] = pacer.schedule(65_536, 1000);
  assert.ok(Math.abs(second!.waitMs - 63.536) < 1e-9);
  // Over many chunks the total stays length / rate.
  const steady = new BandwidthPacer();
  let now = 0;
  for (let i = 0; i < 100; i++) {
    const pieces = steady.schedule(4800, 1000);
    const wait = Math.max(0, pieces.at(-1)!.waitMs);
    const actual = Math.ceil(wait) + 1; // timers round up and run late
    steady.settle(now, now + actual);
    now += actual;
  }
  assert.ok(Math.abs(now - 480) <= 2, `${now} ms for 480 KB at 1000 KB/s`);
});
