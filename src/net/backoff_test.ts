import assert from "node:assert/strict";
import { Backoff } from "./backoff.ts";

Deno.test("Backoff doubles from 10 ms to a 1 s ceiling and starts over after reset()", () => {
  const backoff = new Backoff();
  const delays = Array.from({ length: 9 }, () => backoff.next());
  assert.deepEqual(delays, [10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
  assert.equal(backoff.failures, 9);
  backoff.reset();
  assert.equal(backoff.failures, 0);
  assert.equal(backoff.next(), 10);
});

Deno.test("Backoff rejects a ceiling below the first delay", () => {
  assert.throws(() => new Backoff(100, 10), RangeError);
  assert.throws(() => new Backoff(0, 10), RangeError);
});
