import assert from "node:assert/strict";
import { ConfigError } from "./errors.ts";
import { formatConfig } from "./format.ts";
import { validateConfig } from "./validate.ts";

const pool = { tiers: [{ targets: [{ hosts: ["127.0.0.1"], port: 5432 }] }] };

function problemsOf(input: unknown): readonly string[] {
  try {
    validateConfig(input);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("protocol defaults to tcp, with no postgres or redis block", () => {
  const [frontend] = validateConfig({ frontends: [{ backendPool: pool }] }).frontends;
  assert.equal(frontend?.protocol, "tcp");
  assert.equal(frontend?.postgres, undefined);
  assert.equal(frontend?.redis, undefined);
});

Deno.test("protocol postgres without a block gets the block's defaults", () => {
  const config = validateConfig({ frontends: [{ protocol: "postgres", backendPool: pool }] });
  assert.deepEqual(config.frontends[0]?.postgres, {
    role: "any",
    user: "postgres",
    database: "",
    password: "",
    passwordEnv: "",
  });
});

Deno.test("postgres tls defaults to verify-full against the system roots", () => {
  const config = validateConfig({
    frontends: [{ protocol: "postgres", postgres: { tls: {} }, backendPool: pool }],
  });
  assert.deepEqual(config.frontends[0]?.postgres?.tls, {
    mode: "verify-full",
    caCerts: [],
    serverName: "",
  });
});

Deno.test("a protocol block needs its protocol, and one password source", () => {
  assert.deepEqual(
    problemsOf({
      frontends: [
        { postgres: { user: "app" }, backendPool: pool },
        {
          bindAddress: "127.0.0.1:1",
          protocol: "redis",
          redis: { password: "a", passwordEnv: "B" },
          backendPool: pool,
        },
      ],
    }),
    [
      "frontends[0].postgres: only with protocol: postgres (protocol is tcp)",
      "frontends[1].redis: password and passwordEnv are exclusive; keep one",
    ],
  );
});

Deno.test("protocol fields are checked with their paths", () => {
  assert.deepEqual(
    problemsOf({
      frontends: [{
        protocol: "mysql",
        postgres: { role: "leader", passwordEnv: "1X", tls: { mode: "prefer" } },
        backendPool: pool,
      }],
    }),
    [
      'frontends[0].protocol: must be one of tcp, postgres, redis, got "mysql"',
      'frontends[0].postgres.role: must be one of any, primary, got "leader"',
      'frontends[0].postgres.passwordEnv: must be an environment variable name, got "1X"',
      'frontends[0].postgres.tls.mode: must be one of verify-full, require, disable, got "prefer"',
    ],
  );
});

Deno.test("a configured password is redacted when the config is written back", () => {
  const config = validateConfig({
    frontends: [{ protocol: "redis", redis: { password: "hunter2" }, backendPool: pool }],
  });
  const text = formatConfig(config);
  assert.ok(!text.includes("hunter2"), text);
  assert.match(text, /password: <redacted>/);
});

Deno.test("role primary needs a health check on every tier (the checks find the primary)", () => {
  assert.deepEqual(
    problemsOf({
      frontends: [{
        protocol: "postgres",
        postgres: { role: "primary" },
        backendPool: {
          tiers: [
            { healthCheck: {}, targets: [{ hosts: ["127.0.0.1"], port: 5432 }] },
            { targets: [{ hosts: ["127.0.0.1"], port: 5433 }] },
          ],
        },
      }],
    }),
    [
      "frontends[0].backendPool.tiers[1].healthCheck: is required with role: primary (the checks find the primary)",
    ],
  );
});
