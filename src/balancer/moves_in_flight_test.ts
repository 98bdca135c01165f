import assert from "node:assert/strict";
import { MovesInFlight } from "./moves_in_flight.ts";

Deno.test("a move holds its seat from the decision until a window after its session ended", () => {
  const moves = new MovesInFlight();
  moves.closing(1);
  moves.closing(2);
  assert.equal(moves.count(0, 1000), 2, "decided, not yet closed");
  moves.ended(1, 500);
  assert.equal(
    moves.count(1400, 1000),
    2,
    "closed 900 ms ago: its client may still be reconnecting",
  );
  assert.equal(moves.count(1500, 1000), 1, "the window has passed");
  moves.ended(2, 1600);
  assert.equal(moves.count(2600, 1000), 0);
});

Deno.test("sessions that failback did not close are not counted", () => {
  const moves = new MovesInFlight();
  moves.ended(7, 0);
  assert.equal(moves.count(1, 1000), 0);
  moves.closing(8);
  moves.ended(8, 10);
  moves.ended(8, 20);
  assert.equal(moves.count(30, 1000), 1, "an end is counted once");
});
