import assert from "node:assert/strict";
import { median, ratio, spread } from "./stats.ts";

Deno.test("median() picks the middle of an odd count, unsorted input", () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([7]), 7);
});

Deno.test("median() averages the middle two of an even count", () => {
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

Deno.test("median() does not reorder its input", () => {
  const values = [3, 1, 2];
  median(values);
  assert.deepEqual(values, [3, 1, 2]);
});

Deno.test("median() of nothing is a RangeError", () => {
  assert.throws(() => median([]), RangeError);
});

Deno.test("ratio() is undefined when a side is missing or the denominator is 0", () => {
  assert.equal(ratio(3, 2), 1.5);
  assert.equal(ratio(undefined, 2), undefined);
  assert.equal(ratio(3, undefined), undefined);
  assert.equal(ratio(3, 0), undefined);
});

Deno.test("spread() gives min and max", () => {
  assert.deepEqual(spread([3, 9, 1]), { min: 1, max: 9 });
});
