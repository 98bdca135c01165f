import assert from "node:assert/strict";
import { parse } from "yaml";
import { iaidoGoConfig, parseIaidoGoListening } from "./iaido_go.ts";

Deno.test("iaidoGoConfig() gives each backend a frontend on its port of 127.0.0.1", () => {
  const config = parse(iaidoGoConfig([
    { name: "redis", backendPort: 7000 },
    { name: "postgres", backendPort: 7001 },
  ], [8000, 8001]));
  assert.equal(config.diagAddr, "127.0.0.1:0");
  assert.deepEqual(
    config.frontends.map((frontend: { bindAddress: string }) => frontend.bindAddress),
    [
      "127.0.0.1:8000",
      "127.0.0.1:8001",
    ],
  );
  assert.deepEqual(config.frontends[1].backendPool.tiers[0].targets, [
    { hosts: ["127.0.0.1"], port: 7001 },
  ]);
});

Deno.test("parseIaidoGoListening() reads the ports of its log lines", () => {
  const stderr = "2026/12/03 07:55:11 disabling 127.0.0.1:6379 until later\n" +
    "2026/12/03 07:55:11 listening on 127.0.0.1:42243\n" +
    "2026/12/03 07:55:11 listening on 127.0.0.1:42250\n";
  assert.deepEqual(parseIaidoGoListening(stderr), [42243, 42250]);
});
