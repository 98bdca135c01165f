/**
 * Tests of slicer cut points: Toxiproxy's own cases, contiguity, and the
 * attribute rules.
 * @module
 */

import assert from "node:assert/strict";
import { seededRandom } from "../random.ts";
import { sliceEnds, slicerProblem } from "./slicer.ts";

function sizes(ends: number[]): number[] {
  return ends.map((end, i) => end - (i === 0 ? 0 : ends[i - 1]!));
}

Deno.test("sliceEnds() cuts 480 KB at 1024 ± 512 into 240 to 720 contiguous pieces", () => {
  for (let seed = 1; seed <= 20; seed++) {
    const ends = sliceEnds(480 * 1000, 1024, 512, seededRandom(seed));
    assert.ok(ends.length >= 240 && ends.length <= 720, `${ends.length} pieces`);
    assert.equal(ends.at(-1), 480 * 1000);
    assert.ok(sizes(ends).every((s) => s > 0 && s <= 1024 + 512));
  }
});

Deno.test("sliceEnds() with average 1 and no variation gives one piece per byte", () => {
  assert.deepEqual(sliceEnds(24, 1, 0, Math.random), Array.from({ length: 24 }, (_, i) => i + 1));
});

Deno.test("sliceEnds() keeps a chunk whole once it is within average + variation", () => {
  assert.deepEqual(sliceEnds(150, 100, 50, () => 0), [150]);
  assert.deepEqual(sliceEnds(0, 100, 50, () => 0), []);
  const ends = sliceEnds(1000, 100, 50, seededRandom(7));
  assert.ok(ends.length >= 7 && ends.length <= 20, `${ends.length} pieces`);
  assert.ok(sizes(ends).every((s) => s >= 1 && s <= 150));
});

Deno.test("sliceEnds() draws the offset in [-variation, variation)", () => {
  // 400 bytes at 100 ± 10: the first cut is at 200 + offset.
  assert.ok(sliceEnds(400, 100, 10, () => 0).includes(190));
  assert.ok(sliceEnds(400, 100, 10, () => 0.999).includes(209));
  assert.deepEqual(sliceEnds(400, 100, 10, () => 0), [85, 190, 285, 332, 400]);
});

Deno.test("slicerProblem() refuses what would never finish: average < 1, variation < 0 or ≥ average", () => {
  assert.match(slicerProblem(0, 0)!, /average_size must be positive: current value is 0/);
  assert.match(slicerProblem(10, -1)!, /size_variation must not be negative/);
  assert.match(slicerProblem(10, 10)!, /smaller than average_size/);
  assert.equal(slicerProblem(1, 0), undefined);
  assert.equal(slicerProblem(64, 32), undefined);
});
