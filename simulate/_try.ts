import { loadScenario, withPool } from "./scenario.ts";
import { simulateFleet } from "./fleet.ts";
import { peakFigures } from "./metrics.ts";
const s = await loadScenario("simulate/scenarios/default.yaml");
const n = Number(Deno.args[0] ?? 1000);
const combos: [string, Record<string, unknown>, Record<string, unknown>][] = JSON.parse(
  Deno.args[1] ?? "[]",
);
for (const [label, failback, tier0] of combos) {
  const tiers = (s.poolInput.tiers as Record<string, unknown>[]).map((t, i) =>
    i === 0
      ? { ...t, ...tier0 }
      : { ...t, ...tier0, ...(failback.fpa ? { forcePromotionAfter: failback.fpa } : {}) }
  );
  const { fpa: _f, ...fb } = failback;
  const sc = withPool(s, { ...s.poolInput, failback: fb, tiers });
  const run = simulateFleet(sc, n);
  const f = peakFigures(run.metrics, sc);
  console.log(
    label.padEnd(30),
    f.ratio.toFixed(2),
    "noise",
    f.steadyNoise.toFixed(2),
    "back",
    f.backMs,
    "closes",
    f.failbackCloses,
    Math.round(run.elapsedMs),
    "ms",
    run.events,
  );
}
