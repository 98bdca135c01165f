import assert from "node:assert/strict";
import { Histogram } from "./histogram.ts";

Deno.test("Histogram counts cumulatively per bound, with sum and count", () => {
  const histogram = new Histogram([1, 5, 10]);
  for (const value of [0.5, 1, 3, 7, 20]) histogram.observe(value);
  assert.deepEqual(histogram.snapshot(), {
    buckets: [[1, 2], [5, 3], [10, 4]],
    sum: 31.5,
    count: 5,
  });
});
