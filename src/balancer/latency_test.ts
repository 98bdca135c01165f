import assert from "node:assert/strict";
import { assignSubTiers, type LatencyEntry } from "./latency.ts";

const entry = (
  key: string,
  tier: number,
  latencyMs: number | undefined,
  subTier = 0,
): LatencyEntry => ({
  key,
  tier,
  latencyMs,
  subTier,
});

Deno.test("assignSubTiers() buckets backends within their configured tier, nearest first", () => {
  const tiers = assignSubTiers([
    entry("a", 0, 1),
    entry("b", 0, 3),
    entry("c", 0, 41),
    entry("d", 1, 80),
    entry("e", 1, 85),
  ], 10);
  assert.deepEqual(Object.fromEntries(tiers), { a: 0, b: 0, c: 4, d: 0, e: 0 });
});

Deno.test("assignSubTiers() keeps a backend at a bucket edge where it is (hysteresis)", () => {
  // 10.5 ms from the fastest is just past the edge of bucket 0: it stays in 0.
  assert.equal(assignSubTiers([entry("a", 0, 0), entry("b", 0, 10.5, 0)], 10).get("b"), 0);
  // Well past the edge, it moves.
  assert.equal(assignSubTiers([entry("a", 0, 0), entry("b", 0, 13, 0)], 10).get("b"), 1);
  // Coming back, it must drop clearly below the edge to return.
  assert.equal(assignSubTiers([entry("a", 0, 0), entry("b", 0, 8, 1)], 10).get("b"), 1);
  assert.equal(assignSubTiers([entry("a", 0, 0), entry("b", 0, 7, 1)], 10).get("b"), 0);
});

Deno.test("assignSubTiers() is off for a negative bucket and keeps unmeasured backends", () => {
  assert.deepEqual(
    Object.fromEntries(assignSubTiers([entry("a", 0, 1), entry("b", 0, 90, 3)], -1)),
    {
      a: 0,
      b: 0,
    },
  );
  assert.equal(assignSubTiers([entry("a", 0, 1), entry("b", 0, undefined, 2)], 10).get("b"), 2);
});
