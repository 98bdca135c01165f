/**
 * `protocol: postgres` end to end, with real PostgreSQL clusters behind the
 * sidecar CLI: SSLRequest answered N and SCRAM through the sidecar, a
 * startup refused with 53300 replayed on the next tier without the client
 * knowing, and cancel requests routed to the backend of the session they
 * name.
 * @module
 */

import assert from "node:assert/strict";
import {
  connectPg,
  makeTestCa,
  PG_TEST_PASSWORD,
  type PgCluster,
  sqlState,
  startPgCluster,
  startPgStandby,
  startSidecarCli,
  startTestDnsServer,
  waitFor,
} from "../src/testing/mod.ts";
import { frontendConfig, startWithConfig, tier, writeConfig } from "./helpers.ts";

async function twoClusters(homeSettings: Record<string, number> = {}) {
  const [home, near] = await Promise.all([
    startPgCluster({ settings: homeSettings }),
    startPgCluster(),
  ]);
  return { home, near };
}

function pgConfig(home: PgCluster, near: PgCluster, oneTier = false) {
  if (oneTier) {
    // Round robin over both, whatever their measured latency.
    const pool = { latencyBucket: -1, tiers: [tier([home.port, near.port], { name: "both" })] };
    return { frontends: [{ bindAddress: "127.0.0.1:0", protocol: "postgres", backendPool: pool }] };
  }
  const tiers = [tier([home.port], { name: "home" }), tier([near.port], { name: "near" })];
  return frontendConfig(tiers, { name: "db", protocol: "postgres" });
}

Deno.test("postgres: a client logs in with SCRAM through the sidecar, its SSLRequest answered N", async () => {
  const { home, near } = await twoClusters();
  await using _home = home;
  await using _near = near;
  const { cli, address } = await startWithConfig(pgConfig(home, near));
  await using _cli = cli;
  using db = await connectPg(address);
  assert.deepEqual(await db.query("SHOW port"), [[String(home.port)]]);
});

Deno.test("postgres: a startup refused with 53300 is replayed on the next tier; the client never sees it", async () => {
  // Two slots, both taken directly: home can only answer "too many clients".
  const { home, near } = await twoClusters({
    max_connections: 2,
    superuser_reserved_connections: 0,
  });
  await using _home = home;
  await using _near = near;
  using first = await connectPg(`127.0.0.1:${home.port}`, { sslRequest: false });
  using second = await connectPg(`127.0.0.1:${home.port}`, { sslRequest: false });
  await assert.rejects(
    connectPg(`127.0.0.1:${home.port}`, { sslRequest: false }),
    (error: unknown) => sqlState(error) === "53300",
  );
  const { cli, address } = await startWithConfig(pgConfig(home, near));
  await using _cli = cli;
  using db = await connectPg(address);
  assert.deepEqual(await db.query("SHOW port"), [[String(near.port)]]);
  await cli.waitForOutput(/backend refused a startup; trying the next.*53300/).catch((error) => {
    throw new Error(`${error.message}\n${cli.stdout}\n${cli.stderr}`);
  });
  assert.ok(first && second);
});

Deno.test("postgres: a cancel reaches the backend of the session it names, with two backends in a tier", async () => {
  const { home, near } = await twoClusters();
  await using _home = home;
  await using _near = near;
  const { cli, address } = await startWithConfig(pgConfig(home, near, true));
  await using _cli = cli;
  const ports = new Set<string>();
  for (let round = 0; round < 4; round++) {
    using db = await connectPg(address);
    const [[port]] = await db.query("SHOW port") as [[string]];
    ports.add(port);
    const started = Date.now();
    const sleeping = db.query("SELECT pg_sleep(30)").then(
      () => "finished",
      (error) => sqlState(error) ?? String(error),
    );
    // Wait until the backend runs it, so the cancel is not early.
    await waitFor(
      async () =>
        (await (port === String(home.port) ? home : near).psql(
          "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'",
        )) === "1",
      { message: "the sleep to start" },
    );
    await db.cancel(address);
    assert.equal(await sleeping, "57014", "query_canceled");
    assert.ok(Date.now() - started < 10_000);
  }
  assert.equal(ports.size, 2, "sessions were spread over both backends");
});

Deno.test("postgres: with role primary a standby is never picked, and the password comes from an env var", async () => {
  const primary = await startPgCluster();
  await using _primary = primary;
  await using standby = await startPgStandby(primary);
  const config = frontendConfig(
    [tier([standby.port, primary.port], {
      name: "both",
      healthCheck: { interval: "200ms", timeout: "2s" },
    })],
    {
      name: "db",
      protocol: "postgres",
      postgres: { role: "primary", passwordEnv: "IAIDO_TEST_PG_PASSWORD" },
    },
  );
  const file = await writeConfig(config);
  const { cli, addresses } = await startSidecarCli(["-c", file], 1, {
    env: { IAIDO_TEST_PG_PASSWORD: PG_TEST_PASSWORD },
  });
  await using _cli = cli;
  for (let i = 0; i < 6; i++) {
    using db = await connectPg(addresses[0] as string);
    assert.deepEqual(await db.query("SHOW port"), [[String(primary.port)]], `connection ${i}`);
  }
  await cli.waitForOutput(/not a primary: transaction_read_only is on/);
});

Deno.test("postgres: with role primary a standby that DNS adds later is never picked, though its interval check is an hour away", async () => {
  const primary = await startPgCluster();
  await using _primary = primary;
  await using standby = await startPgStandby(primary);
  await using dns = await startTestDnsServer();
  dns.set("node.test", { A: ["127.0.0.1"] });
  const srv = (...ports: number[]) => ({
    SRV: ports.map((port) => ({ target: "node.test", port })),
  });
  dns.set("_pg._tcp.test", srv(primary.port));
  const file = await writeConfig({
    resolver: { nameServer: dns.address },
    frontends: [{
      bindAddress: "127.0.0.1:0",
      protocol: "postgres",
      postgres: { role: "primary", passwordEnv: "IAIDO_TEST_PG_PASSWORD" },
      rebalanceDuration: "100ms",
      backendPool: {
        latencyBucket: "-1ms",
        tiers: [{
          name: "both",
          targets: [{ srv: "_pg._tcp.test" }],
          // Only the check a joining backend gets at once can keep the standby out.
          healthCheck: { interval: "1h", timeout: "2s" },
        }],
      },
    }],
  });
  const { cli, addresses } = await startSidecarCli(["-c", file], 1, {
    env: { IAIDO_TEST_PG_PASSWORD: PG_TEST_PASSWORD },
  });
  await using _cli = cli;
  const held = [await connectPg(addresses[0] as string)];
  try {
    dns.set("_pg._tcp.test", srv(primary.port, standby.port));
    await cli.waitForOutput(/decision kind=discovery .*joined both/);
    // Each connection is held, so an eligible standby (the least loaded) would take the next.
    for (let i = 0; i < 4; i++) held.push(await connectPg(addresses[0] as string));
    for (const [i, db] of held.entries()) {
      assert.deepEqual(await db.query("SHOW port"), [[String(primary.port)]], `connection ${i}`);
    }
    await cli.waitForOutput(/failed its first check: refused: not a primary/);
  } finally {
    for (const db of held) db[Symbol.dispose]();
  }
});

Deno.test("postgres: a drained session finishes its transaction, then is told 57P01 why it ends", async () => {
  const { home, near } = await twoClusters();
  await using _home = home;
  await using _near = near;
  await home.psql("CREATE TABLE t (n int)");
  const config = (ports: number[]) => ({
    frontends: [{
      bindAddress: "127.0.0.1:0",
      protocol: "postgres",
      backendPool: { maintenanceTime: "100ms", tiers: [tier(ports)] },
    }],
  });
  const file = await writeConfig(config([home.port]));
  const { cli, addresses } = await startSidecarCli(["-c", file], 1);
  await using _cli = cli;
  using db = await connectPg(addresses[0] as string);
  await db.query("BEGIN");
  await db.query("INSERT INTO t VALUES (1)");
  // Home leaves the config: its sessions drain, but this one is inside a transaction.
  await Deno.writeTextFile(file, JSON.stringify(config([near.port])));
  cli.kill("SIGHUP");
  await cli.waitForOutput(/session will move once idle.*in a transaction/);
  await db.query("INSERT INTO t VALUES (2)");
  await db.query("COMMIT");
  assert.equal(await home.psql("SELECT count(*) FROM t"), "2", "the transaction committed");
  const next = await db.query("SELECT 1").then(() => "answered", (error) => String(error));
  assert.match(next, /57P01|draining this backend/);
  using again = await connectPg(addresses[0] as string);
  assert.deepEqual(await again.query("SHOW port"), [[String(near.port)]]);
});

Deno.test("postgres: the sidecar terminates a client's TLS with its configured certificate", async () => {
  const dir = await Deno.makeTempDir({ prefix: "iaido-client-tls-" });
  try {
    const ca = await makeTestCa(dir);
    const { home, near } = await twoClusters();
    await using _home = home;
    await using _near = near;
    const config = frontendConfig([tier([home.port])], {
      protocol: "postgres",
      postgres: { clientTls: { certFile: ca.serverCertFile, keyFile: ca.serverKeyFile } },
    });
    const { cli, address } = await startWithConfig(config);
    await using _cli = cli;
    using db = await connectPg(address, { tlsCa: ca.caCertPem });
    assert.deepEqual(await db.query("SHOW port"), [[String(home.port)]]);
    const rows = await db.query("SELECT repeat('x', 200000)");
    assert.equal(rows[0]?.[0]?.length, 200_000, "a large reply comes through TLS whole");
    await assert.rejects(connectPg(address), /SSLRequest answered 83, expected 78/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
