import assert from "node:assert/strict";
import { healthFailureClosures } from "./health_close.ts";

const sessions = [
  { id: 1, backendKey: "10.0.0.1:5432", tier: 0, idleMs: 0 },
  { id: 2, backendKey: "10.0.0.2:5432", tier: 0, idleMs: 0 },
  { id: 3, backendKey: "10.0.0.1:5432", tier: 0, idleMs: 9_000 },
];

Deno.test("healthFailureClosures() closes every session of the failed backend and no other, as 'health'", () => {
  const closures = healthFailureClosures("10.0.0.1:5432", sessions, 30_000, () => 0, "timeout");
  assert.deepEqual(closures.map((c) => [c.sessionId, c.reason]), [[1, "health"], [3, "health"]]);
  assert.match(closures[0]?.why ?? "", /^health check failing: 10\.0\.0\.1:5432: timeout$/);
});

Deno.test("healthFailureClosures() smears the closes over half a maintenance tick, like drains", () => {
  const draws = [0, 0.25, 0.999];
  let next = 0;
  const many = [0, 1, 2].map((id) => ({ id, backendKey: "b:1", tier: 0, idleMs: 0 }));
  const closures = healthFailureClosures("b:1", many, 1_000, () => draws[next++] as number, "x");
  assert.deepEqual(closures.map((c) => c.delayMs), [0, 125, 499]);
});
