/**
 * A small valid scenario for the simulator's tests: 20 sidecars' worth of
 * load, home down at 40 s and back at 60 s, two minutes in all.
 * @module
 */

/** A small valid scenario value; tests change one thing at a time. */
export function smallScenario(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    seed: 7,
    duration: "2m",
    fleet: { sizes: [20], startSpread: "1s" },
    clients: { arrivalsPerSecond: 2, sessionLength: "20s" },
    backends: [{ name: "home-1" }, { name: "remote-1", latency: "30ms" }],
    pool: {
      maintenanceTime: "2s",
      tiers: [
        { name: "home", targets: [{ hosts: ["home-1"], port: 5432 }] },
        {
          name: "remote",
          forcePromotionAfter: "4s",
          targets: [{ hosts: ["remote-1"], port: 5432 }],
        },
      ],
    },
    events: [{ at: "40s", down: ["home-1"] }, { at: "60s", up: ["home-1"] }],
    ...overrides,
  };
}
