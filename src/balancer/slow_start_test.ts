import assert from "node:assert/strict";
import { MIN_SHARE, SlowStart, slowStartShare } from "./slow_start.ts";

const LINEAR = { slowStartMs: 1000, slowStartAggression: 1 };

Deno.test("slowStartShare() ramps linearly from the minimum to 1 over the window", () => {
  assert.equal(slowStartShare(0, 1000), MIN_SHARE);
  assert.equal(slowStartShare(50, 1000), MIN_SHARE);
  assert.equal(slowStartShare(250, 1000), 0.25);
  assert.equal(slowStartShare(500, 1000), 0.5);
  assert.equal(slowStartShare(1000, 1000), 1);
  assert.equal(slowStartShare(5000, 1000), 1);
  assert.equal(slowStartShare(0, 0), 1, "a window of 0 is off");
});

Deno.test("slowStartShare() with aggression above 1 ramps faster early, below 1 slower", () => {
  assert.equal(slowStartShare(250, 1000, 2), 0.5);
  assert.equal(slowStartShare(500, 1000, 0.5), 0.25);
  assert.ok(slowStartShare(100, 1000, 4) > slowStartShare(100, 1000, 1));
});

Deno.test("admit() lets through exactly the share of picks, with no randomness", () => {
  const ramps = new SlowStart();
  ramps.began("a", 0, LINEAR);
  // At 250 ms into a 1 s window the share is 0.25: one pick in four.
  const admitted = Array.from({ length: 8 }, () => ramps.admit("a", 250));
  assert.deepEqual(admitted, [false, false, false, true, false, false, false, true]);
  assert.equal(ramps.admit("b", 250), true, "a backend that is not ramping is always admitted");
});

Deno.test("the ramp ends at the end of the window and the backend is forgotten", () => {
  const ramps = new SlowStart();
  ramps.began("a", 1000, LINEAR);
  assert.equal(ramps.active, true);
  assert.equal(ramps.since("a", 1500), 1000);
  assert.equal(ramps.share("a", 1500), 0.5);
  assert.equal(ramps.share("a", 2000), 1);
  assert.equal(ramps.since("a", 2000), undefined);
  assert.equal(ramps.active, false);
});

Deno.test("forget() and a window of 0 stop a ramp", () => {
  const ramps = new SlowStart();
  ramps.began("a", 0, LINEAR);
  ramps.forget("a");
  assert.equal(ramps.share("a", 10), 1);
  ramps.began("b", 0, LINEAR);
  ramps.began("b", 5, { slowStartMs: 0, slowStartAggression: 1 });
  assert.equal(ramps.active, false);
});

Deno.test("over a whole window a ramping backend takes about half the picks (linear)", () => {
  const ramps = new SlowStart();
  ramps.began("a", 0, LINEAR);
  let taken = 0;
  for (let now = 0; now < 1000; now++) if (ramps.admit("a", now)) taken++;
  assert.ok(taken >= 500 && taken <= 520, `took ${taken} of 1000`);
});
