import assert from "node:assert/strict";
import { descriptorsNeeded, FD_RESERVE, FdHeadroom } from "./fd_headroom.ts";

Deno.test("FdHeadroom sheds new clients once the sockets in use reach the limit less a reserve", () => {
  let inUse = 0;
  const headroom = new FdHeadroom(1024, () => inUse);
  assert.equal(headroom.shedAt, 1024 - FD_RESERVE);
  inUse = 1024 - FD_RESERVE - 2;
  assert.ok(!headroom.shouldShed(), "room for one more session");
  inUse++;
  assert.ok(headroom.shouldShed());
  assert.deepEqual(headroom.view(0), {
    limit: 1024,
    source: "ulimit",
    inUse: 1024 - FD_RESERVE - 1,
    shedAt: 1024 - FD_RESERVE,
    atLimit: true,
  });
  inUse = 10;
  assert.equal(headroom.view(0).atLimit, false, "recovers once clients leave");
});

Deno.test("FdHeadroom without a readable limit learns one from the first EMFILE", () => {
  let inUse = 200;
  const headroom = new FdHeadroom(undefined, () => inUse);
  assert.equal(headroom.shedAt, undefined);
  assert.ok(!headroom.shouldShed(), "nothing to go by yet");
  headroom.exhausted(1_000);
  assert.equal(headroom.shedAt, 200 - 12);
  assert.ok(headroom.shouldShed());
  const during = headroom.view(1_500);
  assert.equal(during.source, "learned");
  assert.equal(during.atLimit, true);
  inUse = 100;
  assert.ok(!headroom.shouldShed());
  assert.equal(headroom.view(1_500).atLimit, true, "an EMFILE within the last second still counts");
  assert.equal(headroom.view(2_000).atLimit, false, "and then it clears by itself");
});

Deno.test("FdHeadroom ignores an EMFILE while it holds almost nothing (not the sessions' doing)", () => {
  const headroom = new FdHeadroom(undefined, () => 3);
  headroom.exhausted(0);
  assert.equal(headroom.shedAt, undefined);
  assert.equal(headroom.view(0).atLimit, true);
});

Deno.test("a tiny limit keeps a quarter for the process, not the whole reserve", () => {
  assert.equal(new FdHeadroom(100, () => 0).shedAt, 75);
});

Deno.test("descriptorsNeeded() is Σ maxBackendConnections × backends × 2 + the reserve, or unbounded", () => {
  assert.equal(
    descriptorsNeeded([{ maxBackendConnections: 64, backends: 3 }, {
      maxBackendConnections: 10,
      backends: 1,
    }]),
    (64 * 3 + 10) * 2 + FD_RESERVE,
  );
  assert.equal(descriptorsNeeded([{ maxBackendConnections: 0, backends: 2 }]), undefined);
});
