/**
 * Live operations through the real CLI: DNS discovery (A and SRV through
 * `resolver.nameServer`), active health checks, and failback.
 */

import assert from "node:assert/strict";
import {
  connectIdentified,
  readAll,
  refusedPort,
  startTestDnsServer,
  startTestServer,
  waitFor,
} from "../src/testing/mod.ts";
import { startWithConfig } from "./helpers.ts";

/** The time stamps (ms) of the sidecar's log lines that match `pattern`, in order. */
function logTimes(log: string, pattern: RegExp): number[] {
  return log.split("\n").filter((line) => pattern.test(line)).map((line) =>
    Date.parse(line.slice(0, line.indexOf(" ")))
  );
}

/** A one-frontend config whose single tier is `target`, names resolved by `nameServer`. */
function dnsConfig(nameServer: string, target: unknown, every: string) {
  return {
    diagAddr: "127.0.0.1:0",
    resolver: { nameServer },
    frontends: [{
      bindAddress: "127.0.0.1:0",
      rebalanceDuration: every,
      // No latency sub-tiers: under CPU load equal backends measure apart and tests expect both used.
      backendPool: {
        maintenanceTime: every,
        latencyBucket: "-1ms",
        tiers: [{ targets: [target] }],
      },
    }],
  };
}

Deno.test("DNS: a name's new answer is used for new sessions and the old address drains", async () => {
  await using a = startTestServer("a", { greeting: "a" });
  await using _b = startTestServer("b", { greeting: "b", hostname: "127.0.0.2", port: a.port });
  await using dns = await startTestDnsServer();
  dns.set("db.test", { A: ["127.0.0.1"] });
  const { cli, address } = await startWithConfig(
    dnsConfig(dns.address, { hosts: ["db.test"], port: a.port }, "100ms"),
  );
  await using _cli = cli;
  using held = await connectIdentified(address);
  assert.equal(held.name, "a");
  dns.set("db.test", { A: ["127.0.0.2"] });
  await waitFor(async () => {
    using conn = await connectIdentified(address);
    return conn.name === "b";
  }, { message: "new sessions to reach the new address" });
  assert.equal((await readAll(held.conn)).length, 0, "the session on the vanished address drains");
  await cli.waitForOutput(/session ended.*backend=127\.0\.0\.1:\d+.*how=drain/);
});

Deno.test("DNS: a failing name server keeps the last good answer", async () => {
  await using a = startTestServer("a", { greeting: "a" });
  await using dns = await startTestDnsServer();
  dns.set("db.test", { A: ["127.0.0.1"] });
  const { cli, address } = await startWithConfig(
    dnsConfig(dns.address, { hosts: ["db.test"], port: a.port }, "50ms"),
  );
  await using _cli = cli;
  dns.failing = true;
  await cli.waitForOutput(/cannot resolve backend name.*kept="last good answer"/);
  const [, diag] = await cli.waitForOutput(/^diagnostics on http:\/\/(\S+)\/$/m) as unknown as [
    string,
    string,
  ];
  const status = await (await fetch(`http://${diag}/statusz`)).json();
  assert.deepEqual(
    status.frontends[0].unresolvedNames.map((
      n: { name: string; keptLastGood: boolean },
    ) => [n.name, n.keptLastGood]),
    [["db.test", true]],
  );
  using conn = await connectIdentified(address);
  assert.equal(conn.name, "a");
});

Deno.test("DNS: a name that never resolved is tried again after disableFor.dns, not a rebalanceDuration later", async () => {
  await using a = startTestServer("a", { greeting: "a" });
  await using dns = await startTestDnsServer();
  const config = dnsConfig(dns.address, { hosts: ["late.test"], port: a.port }, "1h");
  (config.frontends[0]?.backendPool.tiers[0] as Record<string, unknown>).disableFor = {
    dns: "100ms",
  };
  const { cli, address } = await startWithConfig(config);
  await using _cli = cli;
  await cli.waitForOutput(/cannot resolve backend name.*kept=nothing/);
  dns.set("late.test", { A: ["127.0.0.1"] });
  using conn = await connectIdentified(address);
  assert.equal(conn.name, "a");
});

Deno.test("DNS: an SRV target expands to the records' hosts and ports", async () => {
  await using a = startTestServer("a", { greeting: "a" });
  await using b = startTestServer("b", { greeting: "b" });
  await using dns = await startTestDnsServer();
  dns.set("node.test", { A: ["127.0.0.1"] });
  dns.set("_db._tcp.test", {
    SRV: [{ target: "node.test", port: a.port }, { target: "node.test", port: b.port }],
  });
  const { cli, address } = await startWithConfig(
    dnsConfig(dns.address, { srv: "_db._tcp.test" }, "10s"),
  );
  await using _cli = cli;
  const held = [await connectIdentified(address), await connectIdentified(address)];
  try {
    assert.deepEqual(held.map((c) => c.name).sort(), ["a", "b"]);
  } finally {
    for (const conn of held) conn[Symbol.dispose]();
  }
});

Deno.test("health check: a backend that accepts but never answers is taken out after `fall` checks", async () => {
  await using silent = startTestServer("silent", { greeting: "garbage" });
  await using near = startTestServer("near", { greeting: "near" });
  const { cli, address } = await startWithConfig({
    frontends: [{
      bindAddress: "127.0.0.1:0",
      backendPool: {
        tiers: [
          {
            name: "home",
            healthCheck: { interval: "50ms", timeout: "100ms", fall: 2, rise: 1, expect: "silent" },
            targets: [{ hosts: ["127.0.0.1"], port: silent.port }],
          },
          { name: "near", targets: [{ hosts: ["127.0.0.1"], port: near.port }] },
        ],
      },
    }],
  });
  await using _cli = cli;
  await waitFor(async () => {
    using conn = await connectIdentified(address);
    return conn.name === "near";
  }, { message: "the failing backend to be taken out" });
  await cli.waitForOutput(/decision kind=health .*reason="went down: timeout/);
});

Deno.test("failback: sessions on a worse tier are moved home once home has had room for forcePromotionAfter", async () => {
  const homePort = refusedPort();
  await using far = startTestServer("far", { greeting: "far" });
  const { cli, address } = await startWithConfig({
    frontends: [{
      bindAddress: "127.0.0.1:0",
      backendPool: {
        maintenanceTime: "100ms",
        failback: { maxSessions: 2, maxPercent: 0 },
        tiers: [
          {
            name: "home",
            dialFailureTimeout: "200ms",
            targets: [{ hosts: ["127.0.0.1"], port: homePort }],
          },
          {
            name: "far",
            forcePromotionAfter: "300ms",
            targets: [{ hosts: ["127.0.0.1"], port: far.port }],
          },
        ],
      },
    }],
  });
  await using _cli = cli;
  const onFar = [];
  for (let i = 0; i < 4; i++) onFar.push(await connectIdentified(address));
  try {
    assert.ok(onFar.every((c) => c.name === "far"));
    await using _home = startTestServer("home", { greeting: "home", port: homePort });
    await Promise.all(onFar.map((conn) => readAll(conn.conn)));
    await waitFor(
      () => [...cli.stderr.matchAll(/closing session.*reason=failback/g)].length === 4,
      {
        message: "4 failback closes logged",
      },
    );
    // Timed by the sidecar's own log stamps: when this test reads a line says little on a
    // busy machine, and reading "backend recovered" late would make a move look sooner than it was.
    const [recoveredAt] = logTimes(cli.stderr, /backend recovered/);
    const closedAt = logTimes(cli.stderr, /closing session.*reason=failback/);
    assert.ok(recoveredAt !== undefined, cli.stderr);
    const soonest = Math.min(...closedAt) - recoveredAt;
    assert.ok(
      soonest >= 300,
      `moved ${soonest} ms after home recovered, before forcePromotionAfter`,
    );
    // The budget per tick (2 of the 4 per 100 ms tick) is a timing rule: it is
    // proven on the fake scheduler (src/proxy/backend_upkeep_test.ts), where a
    // loaded machine cannot merge two ticks into one instant as it can here.
    using back = await connectIdentified(address);
    assert.equal(back.name, "home");
    await cli.waitForOutput(/session ended.*how=failback/);
  } finally {
    for (const conn of onFar) conn[Symbol.dispose]();
  }
});
