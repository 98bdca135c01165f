import assert from "node:assert/strict";
import { FailureState } from "./failure_state.ts";

Deno.test("FailureState: a failure disables, then awaits a probe; success returns to ok", () => {
  const state = new FailureState();
  assert.equal(state.phase(0), "ok");
  state.fail("refused", "connection refused", 1_000, 500);
  assert.equal(state.phase(1_000), "disabled");
  assert.equal(state.phase(1_499), "disabled");
  assert.equal(state.phase(1_500), "awaiting probe");
  assert.equal(state.recovering, true);
  assert.deepEqual(state.lastFailure, {
    kind: "refused",
    message: "connection refused",
    at: 1_000,
  });
  state.succeed();
  assert.equal(state.phase(1_500), "ok");
  assert.equal(state.consecutiveFailures, 0);
});

Deno.test("FailureState: a later, shorter failure never shortens the disable time", () => {
  const state = new FailureState();
  state.fail("timeout", "no answer", 0, 10_000);
  state.fail("refused", "refused", 100, 10);
  assert.equal(state.disabledUntil, 10_000);
  assert.equal(state.consecutiveFailures, 2);
  assert.deepEqual([...state.failuresByKind], [["timeout", 1], ["refused", 1]]);
});

Deno.test("FailureState.forget() starts afresh but keeps the counters by class", () => {
  const state = new FailureState();
  state.fail("dns", "no such host", 0, 1_000);
  state.forget();
  assert.equal(state.phase(0), "ok");
  assert.equal(state.lastFailure, undefined);
  assert.equal(state.failuresByKind.get("dns"), 1);
});
