import assert from "node:assert/strict";
import {
  type BackendView,
  type MaintenanceInput,
  MaintenancePlanner,
  type SessionView,
} from "./maintenance.ts";

const backend = (key: string, tier: number, extra: Partial<BackendView> = {}): BackendView => ({
  key,
  tier,
  maxConnections: 0,
  retired: false,
  configDisabled: false,
  room: Infinity,
  ...extra,
});

const sessions = (
  key: string,
  tier: number,
  count: number,
  firstId = 1,
  idleMs = 0,
): SessionView[] =>
  Array.from(
    { length: count },
    (_, i) => ({ id: firstId + i, backendKey: key, tier, idleMs: idleMs + i }),
  );

function input(overrides: Partial<MaintenanceInput>): MaintenanceInput {
  return {
    now: 0,
    intervalMs: 1000,
    backends: [],
    sessions: [],
    forcePromotionAfterMs: [0, 0],
    failback: { maxSessions: 0, maxPercent: 0, idleForMs: 0, jitterMs: 500 },
    rng: () => 0.5,
    ...overrides,
  };
}

Deno.test("drain: a removed backend's sessions close only on the second tick that confirms it", () => {
  const planner = new MaintenancePlanner();
  const tick = (now: number) =>
    planner.plan(
      input({ now, backends: [backend("a", 0, { retired: true })], sessions: sessions("a", 0, 3) }),
    );
  assert.deepEqual(tick(0), []);
  const closures = tick(1000);
  assert.deepEqual(closures.map((c) => [c.sessionId, c.reason]).sort(), [
    [1, "drain"],
    [2, "drain"],
    [3, "drain"],
  ]);
  assert.ok(closures.every((c) => c.delayMs >= 0 && c.delayMs < 500), "smeared within half a tick");
  assert.match(closures[0]?.why ?? "", /backend removed: a/);
});

Deno.test("drain: a backend that comes back between ticks is not drained", () => {
  const planner = new MaintenancePlanner();
  planner.plan(
    input({ backends: [backend("a", 0, { retired: true })], sessions: sessions("a", 0, 1) }),
  );
  planner.plan(input({ backends: [backend("a", 0)], sessions: sessions("a", 0, 1) }));
  assert.deepEqual(
    planner.plan(
      input({ backends: [backend("a", 0, { retired: true })], sessions: sessions("a", 0, 1) }),
    ),
    [],
  );
});

Deno.test("drain: a lowered maxBackendConnections closes only the excess, most idle first", () => {
  const planner = new MaintenancePlanner();
  const tick = () =>
    planner.plan(
      input({
        backends: [backend("a", 0, { maxConnections: 2, room: 0 })],
        sessions: sessions("a", 0, 5),
      }),
    );
  tick();
  assert.deepEqual(tick().map((c) => c.sessionId).sort(), [3, 4, 5]);
});

Deno.test("drain: a target disabled in config loses every session after confirmation", () => {
  const planner = new MaintenancePlanner();
  const tick = () =>
    planner.plan(
      input({
        backends: [backend("a", 0, { configDisabled: true, room: 0 })],
        sessions: sessions("a", 0, 2),
      }),
    );
  tick();
  assert.equal(tick().length, 2);
});

Deno.test("failback: waits until a better tier has had room for forcePromotionAfter", () => {
  const planner = new MaintenancePlanner();
  const tick = (now: number, homeRoom: number) =>
    planner.plan(input({
      now,
      backends: [backend("home", 0, { room: homeRoom }), backend("far", 1)],
      sessions: sessions("far", 1, 4),
      forcePromotionAfterMs: [0, 2000],
    }));
  assert.deepEqual(tick(0, 0), [], "home is full or down");
  assert.deepEqual(tick(1000, 10), [], "home has had room for 0 ms");
  assert.deepEqual(tick(2000, 0), [], "room went away: the clock restarts");
  assert.deepEqual(tick(3000, 10), []);
  assert.deepEqual(tick(4000, 10), []);
  assert.equal(tick(5000, 10).length, 4);
  assert.equal(planner.betterRoomSince(1), 3000);
});

Deno.test("failback: never moves more than the better tiers can take", () => {
  const planner = new MaintenancePlanner();
  const closures = planner.plan(input({
    backends: [backend("home", 0, { room: 2 }), backend("far", 1)],
    sessions: sessions("far", 1, 5),
    forcePromotionAfterMs: [0, 0.001],
  }));
  assert.deepEqual(closures, []);
  const later = planner.plan(input({
    now: 10,
    backends: [backend("home", 0, { room: 2 }), backend("far", 1)],
    sessions: sessions("far", 1, 5),
    forcePromotionAfterMs: [0, 1],
  }));
  assert.equal(later.length, 2);
});

Deno.test("failback: seats that earlier moves still hold are not given away twice", () => {
  const planner = new MaintenancePlanner();
  const tick = (now: number, movesInFlight: number, firstId: number, count: number) =>
    planner.plan(input({
      now,
      backends: [backend("home", 0, { room: 6 }), backend("far", 1)],
      sessions: sessions("far", 1, count, firstId),
      forcePromotionAfterMs: [0, 1],
      failback: { maxSessions: 4, maxPercent: 0, idleForMs: 0, jitterMs: 500 },
      movesInFlight,
    }));
  assert.deepEqual(tick(0, 0, 1, 10), []);
  assert.equal(tick(10, 0, 1, 10).length, 4, "the budget");
  // The four closed clients have not reconnected: home still shows 6 free seats.
  assert.equal(tick(20, 4, 5, 6).length, 2, "only the 2 seats no move holds");
  assert.equal(tick(30, 6, 7, 4).length, 0, "every seat is held");
});

Deno.test("failback: the budget caps moves per tick by count and by percentage", () => {
  const run = (maxSessions: number, maxPercent: number) => {
    const planner = new MaintenancePlanner();
    const tick = (now: number) =>
      planner.plan(input({
        now,
        backends: [backend("home", 0), backend("far", 1)],
        sessions: sessions("far", 1, 40),
        forcePromotionAfterMs: [0, 1],
        failback: { maxSessions, maxPercent, idleForMs: 0, jitterMs: 500 },
      }));
    tick(0);
    return tick(10).length;
  };
  assert.equal(run(5, 0), 5);
  assert.equal(run(0, 25), 10);
  assert.equal(run(3, 25), 3);
  assert.equal(run(0, 1), 1, "a percentage below one session still moves one");
});

Deno.test("failback: idle-only mode moves only sessions idle long enough, worst tier first", () => {
  const planner = new MaintenancePlanner();
  const tick = (now: number) =>
    planner.plan(input({
      now,
      backends: [backend("home", 0), backend("near", 1), backend("far", 2)],
      sessions: [...sessions("near", 1, 2, 1, 0), ...sessions("far", 2, 2, 10, 5000)],
      forcePromotionAfterMs: [0, 1, 1],
      failback: { maxSessions: 0, maxPercent: 0, idleForMs: 1000, jitterMs: 500 },
    }));
  tick(0);
  assert.deepEqual(tick(10).map((c) => c.sessionId), [11, 10]);
});

Deno.test("failback: closes are spread over failback.jitter; 0 closes them all at the tick", () => {
  const delays = (jitterMs: number, rng: () => number) => {
    const planner = new MaintenancePlanner();
    const tick = (now: number) =>
      planner.plan(input({
        now,
        rng,
        backends: [backend("home", 0), backend("far", 1)],
        sessions: sessions("far", 1, 10),
        forcePromotionAfterMs: [0, 1],
        failback: { maxSessions: 0, maxPercent: 0, idleForMs: 0, jitterMs },
      }));
    tick(0);
    return tick(10).map((c) => c.delayMs);
  };
  let i = 0;
  const spread = () => (i++ % 10) / 10;
  assert.deepEqual(delays(2000, spread), [0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800]);
  assert.deepEqual(delays(0, spread), Array(10).fill(0));
});

Deno.test("failback: while the better tier is in slow start the budget shrinks to its share", () => {
  const moved = (share: number, draw: number) => {
    const planner = new MaintenancePlanner();
    const tick = (now: number) =>
      planner.plan(input({
        now,
        rng: () => draw,
        backends: [backend("home", 0, { share }), backend("far", 1)],
        sessions: sessions("far", 1, 40),
        forcePromotionAfterMs: [0, 1],
        failback: { maxSessions: 10, maxPercent: 0, idleForMs: 0, jitterMs: 0 },
      }));
    tick(0);
    return tick(10).length;
  };
  assert.equal(moved(1, 0.99), 10);
  assert.equal(moved(0.25, 0), 2, "10 × 0.25 = 2.5: 2 ...");
  assert.equal(moved(0.25, 0.6), 3, "... or 3, at random, 2.5 on average");
  assert.equal(moved(0.1, 0), 1);
});
