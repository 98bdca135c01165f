import assert from "node:assert/strict";
import { cancelKeyOf, cancelKeyString, PgSessionState } from "./session_state.ts";
import { queryMessage, typed } from "./messages.ts";
import { concatBytes as concat, everySplit } from "../../testing/mod.ts";

const ready = (status: string) => typed("Z", new TextEncoder().encode(status));
const msg = (type: string, length = 0) => typed(type, new Uint8Array(length));
const login = concat(
  msg("R", 4),
  msg("S", 10),
  typed("K", Uint8Array.of(0, 0, 0x10, 0x92, 1, 2, 3, 4)),
  ready("I"),
);

function loggedIn(): PgSessionState {
  const state = new PgSessionState();
  state.fromServer(login);
  return state;
}

Deno.test("PgSessionState is movable after login, at every cut of the login stream", () => {
  for (const chunks of everySplit(login, 2)) {
    const state = new PgSessionState();
    for (const chunk of chunks) state.fromServer(chunk);
    assert.equal(state.movable, true);
    assert.deepEqual(state.cancelKey, { processId: 0x1092, secretHead: 0x01020304 });
  }
});

Deno.test("PgSessionState is not movable before ReadyForQuery and between a query and its reply", () => {
  const state = new PgSessionState();
  assert.equal(state.busyReason, "not logged in yet");
  state.fromServer(login);
  state.fromClient(queryMessage("SELECT 1"));
  assert.equal(state.movable, false);
  assert.equal(state.busyReason, "waiting for a reply");
  state.fromServer(concat(msg("T", 20), msg("D", 10), msg("C", 9)));
  assert.equal(state.movable, false);
  state.fromServer(ready("I"));
  assert.equal(state.movable, true);
});

Deno.test("PgSessionState is never movable inside a transaction or a failed one", () => {
  const state = loggedIn();
  state.fromClient(queryMessage("BEGIN"));
  state.fromServer(concat(msg("C", 6), ready("T")));
  assert.equal(state.busyReason, "in a transaction");
  state.fromClient(queryMessage("SELECT x"));
  state.fromServer(concat(msg("E", 30), ready("E")));
  assert.equal(state.busyReason, "in a failed transaction");
  state.fromClient(queryMessage("ROLLBACK"));
  state.fromServer(concat(msg("C", 9), ready("I")));
  assert.equal(state.movable, true);
});

Deno.test("PgSessionState waits for Sync to close an extended-protocol batch, and for every reply", () => {
  const state = loggedIn();
  state.fromClient(concat(msg("P", 12), msg("B", 12), msg("E", 9)));
  assert.equal(state.busyReason, "in an unfinished extended-protocol batch");
  state.fromClient(msg("S"));
  assert.equal(state.busyReason, "waiting for a reply");
  // Pipelined: a second batch is sent before the first one's ReadyForQuery arrives.
  state.fromClient(concat(msg("B", 12), msg("E", 9), msg("S")));
  state.fromServer(concat(msg("1"), msg("2"), msg("C", 9), ready("I")));
  assert.equal(state.busyReason, "waiting for a reply");
  state.fromServer(concat(msg("2"), msg("C", 9), ready("I")));
  assert.equal(state.movable, true);
});

Deno.test("PgSessionState is not movable mid-COPY, nor mid-message", () => {
  const state = loggedIn();
  state.fromClient(queryMessage("COPY t FROM STDIN"));
  state.fromServer(msg("G", 7));
  assert.equal(state.busyReason, "in a COPY");
  state.fromClient(concat(msg("d", 100), msg("c")));
  state.fromServer(msg("C", 7));
  assert.equal(state.busyReason, "in a COPY");
  const last = ready("I");
  state.fromServer(last.subarray(0, 3));
  assert.equal(state.movable, false);
  state.fromServer(last.subarray(3));
  assert.equal(state.movable, true);
});

Deno.test("PgSessionState calls onMovable when the last reply of a transaction is delivered", () => {
  const state = loggedIn();
  let calls = 0;
  state.onMovable = () => calls++;
  state.fromClient(queryMessage("BEGIN"));
  state.fromServer(concat(msg("C", 6), ready("T")));
  state.fromClient(queryMessage("COMMIT"));
  assert.equal(calls, 0);
  state.fromServer(concat(msg("C", 7), ready("I")));
  assert.equal(calls, 1);
});

Deno.test("cancelKeyOf matches the key a session registers", () => {
  const state = loggedIn();
  const key = cancelKeyOf(0x1092, Uint8Array.of(1, 2, 3, 4));
  assert.equal(cancelKeyString(key), cancelKeyString(state.cancelKey!));
});
