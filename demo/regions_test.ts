import assert from "node:assert/strict";
import demoConfig from "../config/demo.config.ts";
import { validateConfig } from "../src/config/mod.ts";
import { connectIdentified } from "../src/testing/mod.ts";
import { startRegions } from "./regions.ts";

Deno.test("demo regions: two demos at once each get a free port for all their nodes", async () => {
  const tiers = validateConfig(demoConfig).frontends[0]!.backendPool.tiers;
  await using first = await startRegions(tiers);
  await using second = await startRegions(tiers);
  assert.notEqual(first.port, second.port);
  for (const regions of [first, second]) {
    using home = await connectIdentified(`127.0.10.2:${regions.port}`);
    assert.equal(home.name, "home-2");
    using far = await connectIdentified(`127.0.30.1:${regions.port}`);
    assert.equal(far.name, "far-1");
  }
});
