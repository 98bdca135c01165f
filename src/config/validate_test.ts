import assert from "node:assert/strict";
import { parseYaml } from "./yaml.ts";
import { ConfigError } from "./errors.ts";
import { formatConfig } from "./format.ts";
import { validateConfig } from "./validate.ts";
import { MAX_DURATION_MS } from "./schema.ts";

const IAIDO_YAML = `
# A config as the original Go Iaido shipped it.
diagAddr: 127.0.0.1:6060
frontends:
  - backendPool:
      tiers:
        - dialFailureTimeout: 30s
          maxBackendConnections: 32
          targets:
            - hosts:
                - 127.0.0.1
              port: 26258
            - hosts:
                - 127.0.0.1
              port: 26259
        - dialFailureTimeout: 30s
          maxBackendConnections: 0
          targets:
            - hosts: [127.0.0.1]
              port: 26260
    bindAddress: 127.0.0.1:26257
    idleDuration: 1h
gracePeriod: 30s
`;

function problemsOf(input: unknown): readonly string[] {
  try {
    validateConfig(input);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail("expected a ConfigError");
}

function minimal(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    frontends: [{
      bindAddress: "127.0.0.1:0",
      backendPool: { tiers: [{ targets: [{ hosts: ["127.0.0.1"], port: 1 }] }] },
      ...overrides,
    }],
  };
}

Deno.test("validateConfig() loads an original Iaido config and fills Iaido's defaults", () => {
  const config = validateConfig(yamlValue(IAIDO_YAML));
  assert.equal(config.diagAddr, "127.0.0.1:6060");
  assert.equal(config.gracePeriodMs, 30_000);
  const [frontend] = config.frontends;
  assert.ok(frontend);
  assert.equal(frontend.bindAddress, "127.0.0.1:26257");
  assert.equal(frontend.name, "127.0.0.1:26257");
  assert.equal(frontend.idleDurationMs, 3_600_000);
  assert.equal(frontend.rebalanceDurationMs, 10_000);
  assert.equal(frontend.backendPool.latencyBucketMs, 10);
  assert.equal(frontend.backendPool.maintenanceTimeMs, 30_000);
  const [near, far] = frontend.backendPool.tiers;
  assert.deepEqual(
    [near?.name, near?.dialFailureTimeoutMs, near?.maxBackendConnections, far?.name],
    ["tier-0", 30_000, 32, "tier-1"],
  );
  assert.deepEqual(near?.targets[0], {
    hosts: ["127.0.0.1"],
    port: 26258,
    srv: "",
    proto: "TCP",
    disabled: false,
  });
  assert.deepEqual(near?.disableFor, {
    refusedMs: 30_000,
    timeoutMs: 60_000,
    otherMs: 30_000,
    dnsMs: 30_000,
  });
  assert.deepEqual(frontend.backendPool.failback, {
    maxSessions: 5,
    maxPercent: 25,
    idleForMs: 0,
    jitterMs: 30_000,
  });
  assert.equal(near?.healthCheck, undefined);
  assert.equal(near?.slowStartMs, 0);
  assert.equal(near?.slowStartAggression, 1);
});

Deno.test("validateConfig() takes slowStart per tier and failback.jitter, and checks their range", () => {
  const config = validateConfig({
    frontends: [{
      backendPool: {
        maintenanceTime: "10s",
        failback: { jitter: "2s" },
        tiers: [
          { slowStart: "30s", slowStartAggression: 2.5, targets: [{ hosts: ["a"], port: 1 }] },
        ],
      },
    }],
  });
  const pool = config.frontends[0]?.backendPool;
  assert.equal(pool?.failback.jitterMs, 2000);
  assert.equal(pool?.tiers[0]?.slowStartMs, 30_000);
  assert.equal(pool?.tiers[0]?.slowStartAggression, 2.5);
  const defaults = validateConfig({
    frontends: [{
      backendPool: { maintenanceTime: "10s", tiers: [{ targets: [{ hosts: ["a"], port: 1 }] }] },
    }],
  });
  assert.equal(defaults.frontends[0]?.backendPool.failback.jitterMs, 10_000, "maintenanceTime");
  const tier = "frontends[0].backendPool.tiers[0]";
  assert.deepEqual(
    problemsOf({
      frontends: [{
        backendPool: {
          failback: { jitter: "-1s" },
          tiers: [{
            slowStart: "soon",
            slowStartAggression: 20,
            targets: [{ hosts: ["a"], port: 1 }],
          }],
        },
      }],
    }),
    [
      'frontends[0].backendPool.failback.jitter: must be at least 0, got "-1s"',
      `${tier}.slowStart: not a duration: "soon" (use a number with a unit: ns, us, ms, s, m, h, e.g. "1h30m", "250ms")`,
      `${tier}.slowStartAggression: must be 0.1-10, got 20`,
    ],
  );
  assert.deepEqual(
    problemsOf({
      frontends: [{
        backendPool: {
          tiers: [{ slowStartAggression: "fast", targets: [{ hosts: ["a"], port: 1 }] }],
        },
      }],
    }),
    [`${tier}.slowStartAggression: must be a number, got "fast"`],
  );
});

Deno.test("validateConfig() returns a frozen config and leaves its input untouched", () => {
  const input = minimal();
  const before = structuredClone(input);
  const config = validateConfig(input);
  assert.deepEqual(input, before);
  assert.ok(Object.isFrozen(config));
  assert.ok(Object.isFrozen(config.frontends[0]?.backendPool.tiers[0]?.targets));
});

Deno.test("validateConfig() reports every problem at once, path first", () => {
  const problems = problemsOf({
    gracePeriod: "soon",
    frontends: [{
      bindAdress: "127.0.0.1:1",
      backendPool: {
        tiers: [
          { targets: [{ hosts: ["127.0.0.1"], port: 1 }] },
          { targets: [{ hosts: ["127.0.0.1"], port: 70000 }], maxBackendConnections: -1 },
          { targets: [] },
        ],
      },
    }],
  });
  assert.deepEqual(problems, [
    `gracePeriod: not a duration: "soon" (use a number with a unit: ns, us, ms, s, m, h, e.g. "1h30m", "250ms")`,
    `frontends[0].bindAdress: unknown key (did you mean "bindAddress"?)`,
    "frontends[0].backendPool.tiers[1].maxBackendConnections: must be 0-2147483647, got -1",
    "frontends[0].backendPool.tiers[1].targets[0].port: must be 1-65535, got 70000",
    "frontends[0].backendPool.tiers[2].targets: must have at least 1 item(s), got none",
  ]);
});

Deno.test("validateConfig() rejects duplicate bind addresses", () => {
  const frontend = minimal().frontends as unknown[];
  const twice = {
    frontends: [frontend[0], { ...(frontend[0] as object), bindAddress: "127.0.0.1:9" }],
  };
  (twice.frontends[0] as Record<string, unknown>).bindAddress = "127.0.0.1:9";
  assert.deepEqual(problemsOf(twice), [
    "frontends[1].bindAddress: 127.0.0.1:9 is already used by frontends[0]",
  ]);
});

Deno.test("validateConfig() rejects bad addresses, hosts and types", () => {
  assert.deepEqual(problemsOf(minimal({ bindAddress: "localhost" })), [
    `frontends[0].bindAddress: must be host:port, got "localhost" (missing port)`,
  ]);
  assert.deepEqual(problemsOf(minimal({ bindAddress: "::1:80" })), [
    `frontends[0].bindAddress: must write an IPv6 address in brackets ([::1]:80), got "::1:80"`,
  ]);
  assert.deepEqual(
    problemsOf({
      frontends: [{ backendPool: { tiers: [{ targets: [{ hosts: ["bad host"], port: "80" }] }] } }],
    }),
    [
      `frontends[0].backendPool.tiers[0].targets[0].hosts[0]: must be a host name or IP address, got "bad host"`,
      `frontends[0].backendPool.tiers[0].targets[0].port: must be an integer, got "80"`,
    ],
  );
  assert.deepEqual(problemsOf({}), ["frontends: is required"]);
  assert.deepEqual(problemsOf([]), ["(top level): must be a mapping, got a list"]);
  assert.deepEqual(problemsOf(minimal({ idleDuration: "-1s" })), [
    `frontends[0].idleDuration: must be at least 1ms, got "-1s"`,
  ]);
});

Deno.test("validateConfig() reads Go Iaido's zero values as its defaults", () => {
  const config = validateConfig({
    gracePeriod: "0s",
    frontends: [{
      bindAddress: "",
      idleDuration: "0s",
      rebalanceDuration: 0,
      backendPool: {
        latencyBucket: "0ms",
        maintenanceTime: "0",
        tiers: [{ dialFailureTimeout: "0s", targets: [{ hosts: ["127.0.0.1"], port: 1 }] }],
      },
    }],
  });
  const frontend = config.frontends[0];
  assert.deepEqual(
    [
      config.gracePeriodMs,
      frontend?.bindAddress,
      frontend?.idleDurationMs,
      frontend?.rebalanceDurationMs,
      frontend?.backendPool.latencyBucketMs,
      frontend?.backendPool.maintenanceTimeMs,
      frontend?.backendPool.tiers[0]?.dialFailureTimeoutMs,
    ],
    [5000, ":0", 3_600_000, 10_000, 10, 30_000, 1000],
  );
});

Deno.test("validateConfig() takes proto in any case, a tcp: bind prefix, and refuses UDP by name", () => {
  const config = validateConfig(minimal({
    bindAddress: "TCP:127.0.0.1:0",
    backendPool: { tiers: [{ targets: [{ hosts: ["127.0.0.1"], port: 1, proto: "tcp" }] }] },
  }));
  assert.equal(config.frontends[0]?.bindAddress, "127.0.0.1:0");
  assert.equal(config.frontends[0]?.backendPool.tiers[0]?.targets[0]?.proto, "TCP");
  assert.deepEqual(
    problemsOf(minimal({
      bindAddress: "udp:127.0.0.1:0",
      backendPool: { tiers: [{ targets: [{ hosts: ["127.0.0.1"], port: 1, proto: "Udp" }] }] },
    })),
    [
      "frontends[0].bindAddress: UDP is not supported (Go Iaido cannot serve it either)",
      "frontends[0].backendPool.tiers[0].targets[0].proto: UDP is not supported (Go Iaido cannot serve it either)",
    ],
  );
});

Deno.test("validateConfig() names the limit when a duration is longer than any timer can hold", () => {
  assert.deepEqual(
    problemsOf({ ...minimal({ rebalanceDuration: "720h" }), gracePeriod: 2 ** 31 }),
    [
      `gracePeriod: must be at most 576h0m0s, got ${2 ** 31}`,
      `frontends[0].rebalanceDuration: must be at most 576h0m0s, got "720h"`,
    ],
  );
  assert.equal(
    validateConfig(minimal({ idleDuration: "576h" })).frontends[0]?.idleDurationMs,
    MAX_DURATION_MS,
  );
});

Deno.test("validateConfig() takes numbers as milliseconds and Go strings as durations", () => {
  const config = validateConfig(minimal({ idleDuration: 1500, queueTimeout: "1m30s" }));
  assert.equal(config.frontends[0]?.idleDurationMs, 1500);
  assert.equal(config.frontends[0]?.queueTimeoutMs, 90_000);
});

Deno.test("validateConfig() accepts IPv6 literals and a negative latencyBucket", () => {
  const config = validateConfig({
    frontends: [{
      bindAddress: "[::1]:0",
      backendPool: {
        latencyBucket: "-1ms",
        tiers: [{ targets: [{ hosts: ["::1", "[::1]", "db.example"], port: 5432 }] }],
      },
    }],
  });
  assert.equal(config.frontends[0]?.backendPool.latencyBucketMs, -1);
});

Deno.test("validateConfig() takes SRV targets, health checks and a resolver", () => {
  const config = validateConfig({
    resolver: { nameServer: "127.0.0.1:5353" },
    frontends: [{
      backendPool: {
        tiers: [{
          healthCheck: { interval: "2s", send: "PING\r\n", expect: "PONG" },
          targets: [{ srv: "_pg._tcp.db.local" }],
        }],
      },
    }],
  });
  assert.equal(config.resolver.nameServer, "127.0.0.1:5353");
  const tier = config.frontends[0]?.backendPool.tiers[0];
  assert.deepEqual(tier?.healthCheck, {
    intervalMs: 2000,
    timeoutMs: 1000,
    rise: 2,
    fall: 3,
    send: "PING\r\n",
    expect: "PONG",
    closeSessionsOnFailure: false,
  });
  assert.deepEqual(tier?.targets[0], {
    hosts: [],
    port: 0,
    srv: "_pg._tcp.db.local",
    proto: "TCP",
    disabled: false,
  });
  assert.deepEqual(validateConfig(yamlValue(formatConfig(config))), config);
});

Deno.test("validateConfig() wants hosts with a port, or srv alone", () => {
  const tiers = (target: unknown) => ({
    frontends: [{ backendPool: { tiers: [{ targets: [target] }] } }],
  });
  const at = "frontends[0].backendPool.tiers[0].targets[0]";
  assert.deepEqual(problemsOf(tiers({ port: 1 })), [
    `${at}: must have either hosts (with port) or srv`,
  ]);
  assert.deepEqual(problemsOf(tiers({ hosts: ["a"] })), [`${at}.port: is required with hosts`]);
  assert.deepEqual(problemsOf(tiers({ srv: "_a._tcp.b", port: 1 })), [
    `${at}.port: not allowed with srv (the SRV records give the port)`,
  ]);
  assert.deepEqual(problemsOf({ resolver: { nameServer: "dns" }, frontends: [] }), [
    `resolver.nameServer: must be host:port, got "dns" (missing port)`,
    "frontends: must have at least 1 item(s), got none",
  ]);
});

Deno.test("formatConfig() output parses back to the same config", () => {
  const config = validateConfig(yamlValue(IAIDO_YAML));
  const text = formatConfig(config);
  assert.match(text, /idleDuration: 1h0m0s/);
  assert.deepEqual(validateConfig(yamlValue(text)), config);
});

function yamlValue(text: string): unknown {
  const parsed = parseYaml(text);
  if ("problems" in parsed) throw new Error(JSON.stringify(parsed.problems));
  return parsed.value;
}
