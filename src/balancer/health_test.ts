import assert from "node:assert/strict";
import { HealthState } from "./health.ts";

Deno.test("HealthState goes down after `fall` consecutive failures, not before", () => {
  const health = new HealthState();
  assert.equal(health.record(false, 2, 3, 0, "refused"), undefined);
  assert.equal(health.record(false, 2, 3, 1, "refused"), undefined);
  assert.equal(health.record(true, 2, 3, 2, "ok"), undefined, "a success resets the streak");
  assert.equal(health.record(false, 2, 3, 3, "refused"), undefined);
  assert.equal(health.record(false, 2, 3, 4, "refused"), undefined);
  assert.equal(health.record(false, 2, 3, 5, "refused"), "went down");
  assert.equal(health.status, "down");
  assert.equal(health.lastResult, "refused");
  assert.equal(health.lastCheckedAt, 5);
});

Deno.test("HealthState comes up after `rise` consecutive successes", () => {
  const health = new HealthState("down");
  assert.equal(health.record(true, 2, 3, 0, "ok"), undefined);
  assert.equal(health.record(false, 2, 3, 1, "timeout"), undefined);
  assert.equal(health.record(true, 2, 3, 2, "ok"), undefined);
  assert.equal(health.record(true, 2, 3, 3, "ok"), "came up");
  assert.equal(health.status, "up");
  assert.equal(health.record(true, 2, 3, 4, "ok"), undefined);
});

Deno.test("HealthState awaiting its first check is down; its first success brings it up whatever `rise` is", () => {
  const health = new HealthState("awaiting first check");
  assert.equal(health.status, "down");
  assert.equal(health.awaitingFirstCheck, true);
  assert.equal(health.record(true, 3, 3, 0, "ok"), "came up");
  assert.equal(health.status, "up");
  assert.equal(health.awaitingFirstCheck, false);
});

Deno.test("HealthState awaiting its first check stays down on a failure, then needs `rise` successes", () => {
  const health = new HealthState("awaiting first check");
  assert.equal(health.record(false, 2, 3, 0, "refused: not a primary"), "failed its first check");
  assert.equal(health.status, "down");
  assert.equal(health.awaitingFirstCheck, false);
  assert.equal(health.record(true, 2, 3, 1, "ok"), undefined);
  assert.equal(health.record(true, 2, 3, 2, "ok"), "came up");
});
