import assert from "node:assert/strict";
import { simulateFleet } from "./fleet.ts";
import { peakFigures } from "./metrics.ts";
import { parseScenario } from "./scenario.ts";
import { smallScenario } from "./test_scenario.ts";

const sum = (values: ArrayLike<number>, from = 0, to = values.length) => {
  let total = 0;
  for (let i = from; i < to; i++) total += values[i] as number;
  return total;
};

Deno.test("a small fleet fails over when home goes down and comes back after it recovers", () => {
  const scenario = parseScenario(smallScenario());
  const { metrics } = simulateFleet(scenario, 20);
  const [home, remote] = metrics.backends;
  assert.ok(home && remote);
  // Before the outage (40 s) everything goes home.
  assert.ok(sum(home.connects, 0, 40) > 1000, `home took ${sum(home.connects, 0, 40)}`);
  assert.equal(sum(remote.connects, 0, 40), 0);
  // The outage cuts home's sessions; they and every new one go to remote.
  assert.ok(sum(home.cuts) > 100, `${sum(home.cuts)} cut`);
  assert.equal(sum(home.connects, 41, 60), 0);
  assert.equal(home.sessions[50], 0);
  assert.ok((remote.sessions[50] as number) > 300);
  // Recovered at 60 s: new sessions home again, then failback after forcePromotionAfter (4 s).
  assert.ok(sum(home.connects, 61, 64) > 100);
  assert.equal(sum(remote.failbackCloses, 0, 64), 0, "no failback before forcePromotionAfter");
  assert.ok(sum(remote.failbackCloses, 64) > 50, `${sum(remote.failbackCloses, 64)} moved`);
  assert.ok((remote.sessions[100] as number) < 5, `remote still holds ${remote.sessions[100]}`);
  // Every sidecar probed home while it was down (once per disableFor.refused, 1 s).
  assert.ok(sum(home.probes, 41, 59) >= 20 * 17, `${sum(home.probes, 41, 59)} probes`);
  const figures = peakFigures(metrics, scenario);
  assert.ok(
    figures.steadyPerSecond > 30 && figures.steadyPerSecond < 50,
    `${figures.steadyPerSecond}`,
  );
  assert.ok(figures.ratio > 1);
});

Deno.test("the same seed gives the same run; another seed another", () => {
  const scenario = parseScenario(smallScenario());
  const a = simulateFleet(scenario, 20).metrics.backends[0]?.connects;
  const b = simulateFleet(scenario, 20).metrics.backends[0]?.connects;
  const c = simulateFleet({ ...scenario, seed: 8 }, 20).metrics.backends[0]?.connects;
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

Deno.test("slow start on home ramps its share of new sessions after recovery", () => {
  const base = smallScenario();
  const pool = base.pool as { tiers: Record<string, unknown>[] };
  const scenario = parseScenario(smallScenario({
    clients: { arrivalsPerSecond: 10, sessionLength: "5s" },
    pool: {
      ...pool,
      tiers: [{ ...pool.tiers[0], slowStart: "20s" }, { ...pool.tiers[1], forcePromotionAfter: 0 }],
    },
  }));
  const [home, remote] = simulateFleet(scenario, 20).metrics.backends;
  assert.ok(home && remote);
  const homeShare = (from: number, to: number) =>
    sum(home.connects, from, to) / (sum(home.connects, from, to) + sum(remote.connects, from, to));
  assert.ok(homeShare(61, 65) < 0.25, `first 4 s: ${homeShare(61, 65)}`);
  assert.ok(homeShare(70, 72) > 0.4 && homeShare(70, 72) < 0.65, `half-way: ${homeShare(70, 72)}`);
  assert.equal(homeShare(82, 100), 1, "all of them after slowStart");
  assert.equal(sum(remote.failbackCloses), 0);
});

Deno.test("a backend over its maxSessions refuses: the sidecars spill to the next tier", () => {
  const scenario = parseScenario(smallScenario({
    backends: [{ name: "home-1", maxSessions: 100 }, { name: "remote-1" }],
    events: [],
  }));
  const [home, remote] = simulateFleet(scenario, 20).metrics.backends;
  assert.ok(home && remote);
  assert.ok(Math.max(...home.sessions) <= 100);
  assert.ok(sum(home.refused) > 0);
  assert.ok(sum(remote.connects) > 0);
});
