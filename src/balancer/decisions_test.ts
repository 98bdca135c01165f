import assert from "node:assert/strict";
import { DecisionLog } from "./decisions.ts";

Deno.test("DecisionLog keeps only the last `capacity` decisions, oldest first", () => {
  const log = new DecisionLog(3);
  const seen: number[] = [];
  log.subscribe((decision) => seen.push(decision.at));
  for (let at = 1; at <= 5; at++) log.record({ at, kind: "failover", frontend: "f", reason: "r" });
  assert.deepEqual(log.entries().map((d) => d.at), [3, 4, 5]);
  assert.equal(log.total, 5);
  assert.deepEqual(seen, [1, 2, 3, 4, 5]);
});
