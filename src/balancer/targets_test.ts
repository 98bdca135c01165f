import assert from "node:assert/strict";
import { validateConfig } from "../config/mod.ts";
import { namesOf } from "../discovery/mod.ts";
import { backendSpecs } from "./targets.ts";

Deno.test("backendSpecs() makes one backend per address with its tier's settings", () => {
  const config = validateConfig({
    frontends: [{
      backendPool: {
        tiers: [
          {
            name: "home",
            maxBackendConnections: 4,
            targets: [
              { hosts: ["db.home"], port: 26257 },
              { hosts: ["::1"], port: 1, disabled: true },
              { srv: "_db._tcp.srv.home" },
            ],
          },
          { dialFailureTimeout: "2s", targets: [{ hosts: ["db.far", "gone"], port: 26257 }] },
        ],
      },
    }],
  });
  const tiers = config.frontends[0]?.backendPool.tiers ?? [];
  assert.deepEqual(namesOf(tiers), {
    hosts: ["db.home", "::1", "db.far", "gone"],
    srv: ["_db._tcp.srv.home"],
  });
  const answers = new Map([["db.home", ["127.0.1.1", "::ffff:127.0.0.3"]], ["::1", ["::1"]], [
    "db.far",
    [
      "127.0.2.1",
    ],
  ]]);
  const srv = new Map([["_db._tcp.srv.home", [{ address: "127.0.3.1", port: 7000 }]]]);
  const specs = backendSpecs(tiers, { hosts: answers, srv });
  assert.deepEqual(
    specs.map((
      s,
    ) => [s.key, s.tier, s.tierName, s.maxConnections, s.dialTimeoutMs, s.configDisabled]),
    [
      ["127.0.1.1:26257", 0, "home", 4, 1000, false],
      ["[::ffff:127.0.0.3]:26257", 0, "home", 4, 1000, false],
      ["[::1]:1", 0, "home", 4, 1000, true],
      ["127.0.3.1:7000", 0, "home", 4, 1000, false],
      ["127.0.2.1:26257", 1, "tier-1", 0, 2000, false],
    ],
  );
});
