/**
 * A typed config: `deno check config/iaido.config.ts` rejects a misspelt key
 * or a wrong type before the sidecar ever sees it. Numbers are milliseconds.
 *
 *   deno run --allow-net --allow-read=config/iaido.config.ts main.ts -c config/iaido.config.ts
 *
 * Or copy it beside main.ts as iaido.config.ts (importing "./mod.ts") and run
 * `deno run --allow-net main.ts`: no read permission needed, no -c.
 */
import { defineConfig } from "../mod.ts";

const cockroachPort = 26257;

export default defineConfig({
  diagAddr: "127.0.0.1:13013",
  gracePeriod: "30s",
  frontends: [{
    name: "cockroach",
    bindAddress: `127.0.0.1:${cockroachPort}`,
    backendPool: {
      tiers: [
        {
          name: "us-east",
          maxBackendConnections: 32,
          healthCheck: { interval: 2000, timeout: 500 },
          targets: [{
            hosts: ["db1.us-east.internal", "db2.us-east.internal"],
            port: cockroachPort,
          }],
        },
        {
          name: "us-west",
          forcePromotionAfter: "1m",
          targets: [{ hosts: ["db1.us-west.internal"], port: cockroachPort }],
        },
      ],
    },
  }],
});
