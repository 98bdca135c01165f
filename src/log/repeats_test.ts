import assert from "node:assert/strict";
import { RepeatLimiter } from "./repeats.ts";

Deno.test("RepeatLimiter logs a cause once, then counts with doubling backoff, then recovers", () => {
  let now = 0;
  const limiter = new RepeatLimiter({ now: () => now, firstBackoffMs: 1000, maxBackoffMs: 4000 });
  assert.deepEqual(limiter.occurred("cfg", "not found"), { log: "first" });
  const verdicts = [];
  for (let t = 100; t <= 12_000; t += 100) {
    now = t;
    verdicts.push(limiter.occurred("cfg", "not found"));
  }
  const lines = verdicts.filter((v) => v.log === "again");
  // Lines at 1 s, then 2 s, 4 s, 4 s … later: 1000, 3000, 7000, 11000.
  assert.deepEqual(
    lines.map((v) => v.log === "again" && [v.sinceMs, v.suppressed]),
    [[1000, 10], [3000, 20], [7000, 40], [11000, 40]],
  );
  assert.equal(verdicts.length - lines.length, 116);
  assert.deepEqual(limiter.occurred("cfg", "a different cause"), { log: "first" });
  assert.deepEqual(limiter.occurred("other", "not found"), { log: "first" });
  now = 13_000;
  assert.deepEqual(limiter.recovered("cfg"), { occurrences: 1, forMs: 1000 });
  assert.equal(limiter.recovered("cfg"), undefined, "recovered once");
});
