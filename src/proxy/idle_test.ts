import assert from "node:assert/strict";
import { IdleTracker, sweepIntervalMs } from "./idle.ts";

Deno.test("IdleTracker reports idle only after no activity for the whole limit", () => {
  const tracker = new IdleTracker<{ activity: number }>();
  const session = { activity: 0 };
  assert.equal(tracker.isIdle(session, 0, 100), false);
  assert.equal(tracker.isIdle(session, 99, 100), false);
  session.activity = 5;
  assert.equal(tracker.isIdle(session, 150, 100), false);
  assert.equal(tracker.isIdle(session, 249, 100), false);
  assert.equal(tracker.isIdle(session, 250, 100), true);
  assert.equal(tracker.observe(session, 300), 150);
});

Deno.test("sweepIntervalMs() stays within a quarter of the limit and between 10ms and 5s", () => {
  assert.equal(sweepIntervalMs(200), 50);
  assert.equal(sweepIntervalMs(3_600_000), 5_000);
  assert.equal(sweepIntervalMs(1), 10);
});
