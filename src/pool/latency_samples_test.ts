import assert from "node:assert/strict";
import { LATENCY_SAMPLES, LatencySamples } from "./latency_samples.ts";

Deno.test("LatencySamples: the estimate is the least of the last samples; one late sample moves nothing", () => {
  const samples = new LatencySamples();
  assert.equal(samples.estimate, undefined);
  samples.add(5);
  assert.equal(samples.estimate, 5);
  samples.add(90);
  assert.equal(samples.estimate, 5, "one late sample");
  samples.add(6);
  assert.equal(samples.estimate, 5);
});

Deno.test("LatencySamples: a real slowdown shows once the whole window is slow; a speed-up at once", () => {
  const samples = new LatencySamples(3);
  samples.add(5);
  samples.add(50);
  samples.add(51);
  assert.equal(samples.estimate, 5, "two slow samples are not yet a slowdown");
  samples.add(52);
  assert.equal(samples.estimate, 50, "three are");
  samples.add(4);
  assert.equal(samples.estimate, 4, "faster at once");
  samples.clear();
  assert.equal(samples.estimate, undefined);
});

Deno.test("LatencySamples: the window holds LATENCY_SAMPLES by default and refuses a size below 1", () => {
  const samples = new LatencySamples();
  samples.add(1);
  for (let i = 0; i < LATENCY_SAMPLES; i++) samples.add(100 + i);
  assert.equal(samples.estimate, 100);
  assert.throws(() => new LatencySamples(0), RangeError);
});
