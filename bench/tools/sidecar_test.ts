import assert from "node:assert/strict";
import { parseListeningLines, portOf, sidecarArgs, sidecarConfig } from "./sidecar.ts";

Deno.test("sidecarConfig() gives each backend its own frontend on 127.0.0.1:0", () => {
  const config = JSON.parse(sidecarConfig([
    { name: "redis", backendPort: 7000 },
    { name: "iperf3", backendPort: 7001 },
  ]));
  assert.equal(config.frontends.length, 2);
  assert.equal(config.frontends[0].bindAddress, "127.0.0.1:0");
  assert.deepEqual(config.frontends[1].backendPool.tiers[0].targets, [
    { hosts: ["127.0.0.1"], port: 7001 },
  ]);
});

Deno.test("parseListeningLines() keeps the order and ignores other output", () => {
  const stdout = "listening on 127.0.0.1:4100\nsomething else\nlistening on [::1]:4200\n";
  assert.deepEqual(parseListeningLines(stdout), ["127.0.0.1:4100", "[::1]:4200"]);
});

Deno.test("portOf() reads the port of IPv4 and bracketed IPv6 addresses", () => {
  assert.equal(portOf("127.0.0.1:4100"), 4100);
  assert.equal(portOf("[::1]:4200"), 4200);
  assert.throws(() => portOf("127.0.0.1"), TypeError);
});

Deno.test("sidecarArgs() grants only the network and the config file", () => {
  const args = sidecarArgs("/tmp/x/cfg.json", { logLevel: "warn" });
  assert.deepEqual(args.filter((arg) => arg.startsWith("--allow")), [
    "--allow-net",
    "--allow-read=/tmp/x/cfg.json",
  ]);
});

Deno.test("sidecarArgs() runs the README's command, variant flags before the permissions", () => {
  const args = sidecarArgs("/c.json", {
    logLevel: "info",
    main: "/tmp/v/main.ts",
    denoFlags: ["--cpu-prof"],
  });
  assert.deepEqual(args.slice(0, 6), [
    "run",
    "--v8-flags=--max-semi-space-size=2",
    "--cpu-prof",
    "--allow-net",
    "--allow-read=/c.json",
    "/tmp/v/main.ts",
  ]);
  assert.deepEqual(args.slice(-4), ["-c", "/c.json", "--log-level", "info"]);
});
