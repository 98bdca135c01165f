import assert from "node:assert/strict";
import { portFor, rotate, type Target } from "./target.ts";

Deno.test("rotate() starts each repetition with the next target", () => {
  assert.deepEqual(rotate(["a", "b", "c"], 0), ["a", "b", "c"]);
  assert.deepEqual(rotate(["a", "b", "c"], 1), ["b", "c", "a"]);
  assert.deepEqual(rotate(["a", "b", "c"], 4), ["b", "c", "a"]);
  assert.deepEqual(rotate([], 3), []);
});

Deno.test("portFor() names the target and backend it lacks", () => {
  const target: Target = { name: "direct", ports: new Map([["redis", 7000]]), pid: undefined };
  assert.equal(portFor(target, "redis"), 7000);
  assert.throws(() => portFor(target, "iperf3"), /direct has no port for iperf3/);
});
