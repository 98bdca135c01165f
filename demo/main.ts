/**
 * `deno task demo`: three simulated regions on loopback, the sidecar in
 * front of them, client load through it, and a storyline: steady state →
 * home region outage → failover → home recovers → clients return home.
 * Exits non-zero if what the storyline expects did not happen.
 * @module
 */

import { startSidecar } from "../mod.ts";
import { startTestServer, type TestServer } from "../src/testing/backends.ts";
import { connectIdentified } from "../src/testing/client.ts";

const REGIONS = ["home", "near", "far"] as const;
type Region = (typeof REGIONS)[number];

interface Step {
  readonly title: string;
  readonly seconds: number;
  readonly action?: () => Promise<void>;
  /** The region every connection of this step should reach. */
  readonly expect: Region;
}

function say(text: string): void {
  console.log(`${new Date().toISOString().slice(11, 23)}  ${text}`);
}

const servers = new Map<string, TestServer>();
const startNode = (region: Region, node: number, port = 0) => {
  const name = `${region}-${node}`;
  servers.set(name, startTestServer(name, { greeting: name, port }));
};
for (const region of REGIONS) for (const node of [1, 2]) startNode(region, node);
const portOf = (name: string) => servers.get(name)?.port as number;

await using sidecar = await startSidecar({
  gracePeriod: "1s",
  frontends: [{
    name: "demo",
    bindAddress: "127.0.0.1:0",
    backendPool: {
      tiers: REGIONS.map((region) => ({
        name: region,
        dialFailureTimeout: "1s",
        targets: [{ hosts: ["127.0.0.1"], port: portOf(`${region}-1`) }, {
          hosts: ["127.0.0.1"],
          port: portOf(`${region}-2`),
        }],
      })),
    },
  }],
});
const address = sidecar.frontends[0]?.address as string;
say(`sidecar listening on ${address}; regions: ${REGIONS.join(" → ")} (preference order)`);

const homePorts = [portOf("home-1"), portOf("home-2")];
const storyline: Step[] = [
  { title: "steady state: every connection is served by home", seconds: 3, expect: "home" },
  {
    title: "home region outage: both home nodes stop",
    seconds: 4,
    expect: "near",
    action: async () => {
      for (const node of ["home-1", "home-2"]) await servers.get(node)?.close();
    },
  },
  {
    title: "home recovers: new connections return home",
    seconds: 4,
    expect: "home",
    action: () => {
      startNode("home", 1, homePorts[0]);
      startNode("home", 2, homePorts[1]);
      return Promise.resolve();
    },
  },
];

let failures = 0;
let unmet = 0;
for (const step of storyline) {
  say(`▶ ${step.title}`);
  await step.action?.();
  const served = new Map<string, number>();
  const deadline = Date.now() + step.seconds * 1000;
  // The first second after a change is for the sidecar to notice it.
  const settleAt = Date.now() + 1000;
  let offTarget = 0;
  while (Date.now() < deadline) {
    try {
      using conn = await connectIdentified(address);
      served.set(conn.name, (served.get(conn.name) ?? 0) + 1);
      if (Date.now() > settleAt && !conn.name.startsWith(step.expect)) offTarget++;
    } catch {
      failures++;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const counts = [...served].sort().map(([name, count]) => `${name}=${count}`).join(" ");
  say(`  served: ${counts || "nothing"}; failed connects so far: ${failures}`);
  if (offTarget > 0) {
    unmet++;
    say(`  ✗ expected ${step.expect} after settling, ${offTarget} connection(s) went elsewhere`);
  } else say(`  ✓ ${step.expect} served every connection`);
}

for (const server of servers.values()) await server.close();
const ok = failures === 0 && unmet === 0;
say(
  ok
    ? "demo finished: failover and return home as expected"
    : "demo finished: expectations NOT met",
);
if (!ok) Deno.exitCode = 1;
