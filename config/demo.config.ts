/**
 * The demo's config (`deno task demo`): one database frontend in front of
 * three regions, nearest first. Each region's two nodes live on their own
 * loopback addresses (127.0.10.x home, 127.0.20.x near, 127.0.30.x far),
 * where the demo puts Toxiproxy proxies with each region's latency. The
 * demo runs it with 26257 replaced by a free port, so demos can run side
 * by side.
 *
 * It is a complete config in its own right: check it with
 *   deno run --allow-net --allow-read=config/demo.config.ts main.ts -c config/demo.config.ts --check
 */
import { defineConfig } from "../mod.ts";

export default defineConfig({
  // Diagnostics (status, metrics, dashboard) on an ephemeral loopback port.
  diagAddr: "127.0.0.1:0",
  gracePeriod: "2s",
  frontends: [{
    name: "demo-db",
    bindAddress: "127.0.0.1:0",
    // Re-resolve and re-measure latency every 2 s (the default is 10 s).
    rebalanceDuration: "2s",
    idleDuration: "1m",
    backendPool: {
      // Check drains and failback every second (the default is 30 s).
      maintenanceTime: "1s",
      // Move at most 4 sessions, and at most half of them, per second.
      failback: { maxSessions: 4, maxPercent: 50 },
      tiers: [
        {
          name: "home",
          dialFailureTimeout: "500ms",
          targets: [{ hosts: ["127.0.10.1", "127.0.10.2"], port: 26257 }],
        },
        {
          name: "near",
          dialFailureTimeout: "500ms",
          // Once home has had room for 2 s, sessions here are moved home.
          forcePromotionAfter: "2s",
          targets: [{ hosts: ["127.0.20.1", "127.0.20.2"], port: 26257 }],
        },
        {
          name: "far",
          dialFailureTimeout: "500ms",
          forcePromotionAfter: "2s",
          targets: [{ hosts: ["127.0.30.1", "127.0.30.2"], port: 26257 }],
        },
      ],
    },
  }],
});
