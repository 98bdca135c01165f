import assert from "node:assert/strict";
import demoConfig from "../config/demo.config.ts";
import { loadConfig } from "../src/config/mod.ts";
import { withBackendPort, writeConfigFile } from "./config_file.ts";

Deno.test("demo config file: every backend on the given port, the rest as the example says", async () => {
  await using file = await writeConfigFile(demoConfig, 40123);
  const { config } = await loadConfig(file.path);
  const targets = config.frontends.flatMap((f) => f.backendPool.tiers.flatMap((t) => t.targets));
  assert.equal(targets.length, 3);
  assert.ok(targets.every((target) => target.port === 40123));
  assert.deepEqual(targets.map((target) => target.hosts[0]), [
    "127.0.10.1",
    "127.0.20.1",
    "127.0.30.1",
  ]);
  assert.equal(config.frontends[0]?.backendPool.failback.maxSessions, 4);
  const example = demoConfig.frontends[0]?.backendPool.tiers[0]?.targets[0]?.port;
  assert.equal(example, 26257, "the example itself is left alone");
  assert.deepEqual(withBackendPort(demoConfig, 26257), demoConfig);
});
