import assert from "node:assert/strict";
import { toInputForm, validateConfig } from "../config/mod.ts";
import { configYaml, defaultedPaths } from "./configz.ts";

const input = {
  gracePeriod: "30s",
  frontends: [{
    bindAddress: "127.0.0.1:26257",
    backendPool: { tiers: [{ name: "home", targets: [{ hosts: ["127.0.0.1"], port: 1 }] }] },
  }],
};

Deno.test("defaultedPaths() lists exactly the values the input did not set", () => {
  const paths = defaultedPaths(input);
  assert.ok(paths.includes("diagAddr"));
  assert.ok(paths.includes("resolver.nameServer"));
  assert.ok(paths.includes("frontends[0].idleDuration"));
  assert.ok(paths.includes("frontends[0].backendPool.failback.maxSessions"));
  assert.ok(paths.includes("frontends[0].backendPool.tiers[0].dialFailureTimeout"));
  assert.ok(paths.includes("frontends[0].backendPool.tiers[0].targets[0].proto"));
  for (
    const set of [
      "gracePeriod",
      "frontends[0].bindAddress",
      "frontends[0].backendPool.tiers[0].name",
    ]
  ) {
    assert.ok(!paths.includes(set), `${set} was set by the user`);
  }
  assert.ok(
    !paths.includes("frontends[0].backendPool.tiers[0].targets[0].port"),
    "the user set the port",
  );
});

Deno.test("configYaml() marks defaulted values with a comment", () => {
  const text = configYaml(toInputForm(validateConfig(input)), defaultedPaths(input));
  assert.match(text, /idleDuration: 1h0m0s # default/);
  assert.match(text, /gracePeriod: 30s\n/);
  assert.match(text, /name: home\n/);
});
