/**
 * Tests of slicer cut points: Toxiproxy's own cases, contiguity, and the
 * attribute rules.
 * @module
 */

import assert from "node:assert/strict";
import { seededRandom } from "../random.ts";
import { sliceEnds } from "./slicer.ts";

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

Deno.test("sliceEnds() finishes on attributes the real server accepts but chokes on", () => {
  const random = seededRandom(7);
  for (const [average, variation] of [[0, 0], [1, 1], [10, 10], [10, 11], [-5, 0], [1, 1000]]) {
    const ends = sliceEnds(64 * 1024, average!, variation!, random);
    const pieces = sizes(ends);
    assert.equal(ends.at(-1), 64 * 1024, `${average}/${variation}`);
    assert.ok(pieces.every((n) => n >= 1), `${average}/${variation}: an empty piece`);
  }
  assert.deepEqual(sliceEnds(3, 0, 0, random), [1, 2, 3]);
});
