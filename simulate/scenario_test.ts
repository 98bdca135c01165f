import assert from "node:assert/strict";
import { ConfigError } from "../src/config/mod.ts";
import {
  loadScenario,
  parseScenario,
  usesDefaults,
  withoutSlowStartAndJitter,
  withPool,
} from "./scenario.ts";
import { smallScenario } from "./test_scenario.ts";

function problems(value: unknown): readonly string[] {
  try {
    parseScenario(value, "bad.yaml");
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /^bad\.yaml: /);
    return error.problems;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("parseScenario() reads durations, defaults and the pool through the real config validation", () => {
  const scenario = parseScenario(smallScenario());
  assert.equal(scenario.durationMs, 120_000);
  assert.equal(scenario.binMs, 1000);
  assert.deepEqual(scenario.fleetSizes, [20]);
  assert.equal(scenario.sessionDistribution, "exponential");
  assert.equal(scenario.reconnect, true);
  assert.equal(scenario.backends[1]?.latencyMs, 30);
  assert.deepEqual(scenario.events.map((e) => e.atMs), [40_000, 60_000]);
  const pool = scenario.frontend.backendPool;
  assert.equal(pool.tiers[1]?.forcePromotionAfterMs, 4000);
  assert.equal(pool.failback.maxSessions, 5, "the sidecar's defaults fill what is not set");
  assert.equal(pool.failback.jitterMs, 2000);
  assert.equal(scenario.watchTier, 0);
});

Deno.test("parseScenario() reports every problem at once, with the scenario's own paths", () => {
  assert.deepEqual(
    problems(smallScenario({
      duration: "ten minutes",
      fleet: { sizes: [0], spread: "1s" },
      backends: [{ name: "home-1" }, { name: "home-1" }],
      events: [{ at: "1m", down: ["nowhere"] }],
    })),
    [
      "fleet.spread: unknown key (known: sizes, startSpread)",
      'duration: not a duration: "ten minutes" (use a number with a unit: ns, us, ms, s, m, h, e.g. "1h30m", "250ms")',
      "fleet.sizes[0]: must be an integer 1-1000000, got 0",
      "backends[1].name: home-1 is listed twice",
      'events[0].down: no backend named "nowhere"',
    ],
  );
  const pool = smallScenario().pool as Record<string, unknown>;
  assert.deepEqual(
    problems(smallScenario({
      pool: { ...pool, maintenanceTime: "-1s", failback: { maxPercent: 101 } },
    })),
    [
      'pool.maintenanceTime: must be at least 1ms, got "-1s"',
      "pool.failback.maxPercent: must be 0-100, got 101",
    ],
  );
  assert.deepEqual(
    problems(smallScenario({ pool: { tiers: [{ targets: [{ hosts: ["db"], port: 1 }] }] } })),
    ["pool.tiers[0].targets[0].hosts: db is not one of the backends"],
  );
  assert.deepEqual(problems(smallScenario({ watch: { tier: "moon" } })), [
    'watch.tier: no tier named "moon"',
  ]);
});

Deno.test("the bare variant turns slow start and failback jitter off and keeps the rest", () => {
  const scenario = parseScenario(smallScenario());
  assert.equal(usesDefaults(scenario.poolInput), true);
  const bare = withPool(scenario, withoutSlowStartAndJitter(scenario.poolInput));
  assert.equal(bare.frontend.backendPool.failback.jitterMs, 0);
  assert.ok(bare.frontend.backendPool.tiers.every((tier) => tier.slowStartMs === 0));
  assert.equal(bare.frontend.backendPool.tiers[1]?.forcePromotionAfterMs, 4000);
  assert.equal(usesDefaults(bare.poolInput), false);
});

Deno.test("loadScenario() reads the default scenario file and names a missing file", async () => {
  const scenario = await loadScenario(
    new URL("./scenarios/default.yaml", import.meta.url).pathname,
  );
  assert.deepEqual(scenario.fleetSizes, [1000, 10000]);
  assert.equal(scenario.durationMs, 600_000);
  await assert.rejects(loadScenario("/nonexistent/scenario.yaml"), /scenario\.yaml: cannot read/);
});
