import assert from "node:assert/strict";
import { LoopLag } from "./loop_lag.ts";

Deno.test("LoopLag: a loop blocked for 120 ms shows at least that lateness, overdue or past", async () => {
  using lag = new LoopLag();
  const blockUntil = performance.now() + 120;
  while (performance.now() < blockUntil) {
    // Busy: no timer can run.
  }
  assert.ok(lag.worstMs >= 110, `overdue now: ${lag.worstMs.toFixed(1)} ms`);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(lag.worstMs >= 110, `once the ticker ran: ${lag.worstMs.toFixed(1)} ms`);
});
