/**
 * pg-failback and pg-tls: a pool of clients runs transactions that hold
 * their rows open on the near PostgreSQL while home is down; home returns.
 * The sidecar moves each session home only between transactions (after
 * ReadyForQuery says idle), telling the client why with 57P01; the pool
 * reconnects and every transaction commits. pg-tls runs the same with
 * backends that accept only TLS, verified against a CA the scenario makes.
 * @module
 */

import {
  connectPg,
  makeTestCa,
  POSTGRES_MISSING,
  postgresBinDir,
  startPgCluster,
} from "../../src/testing/mod.ts";
import { pause } from "../clients.ts";
import { pooledSessions, SCHEMA, timelineOf, type TxRecord } from "../postgres.ts";
import type { Scenario, ScenarioContext } from "../scenario.ts";
import { chaosConfig } from "../sidecar.ts";
import { background, sidecarFor, until } from "./_common.ts";

const WORKERS = 4;

async function run(context: ScenarioContext, tls: boolean): Promise<void> {
  if (postgresBinDir() === undefined) return context.check(false, POSTGRES_MISSING);
  const ca = tls ? await makeTestCa(context.dir) : undefined;
  const files = ca && { certFile: ca.serverCertFile, keyFile: ca.serverKeyFile, requireTls: true };
  const [home, near] = await Promise.all([
    startPgCluster(files ? { tls: files } : {}),
    startPgCluster(files ? { tls: files } : {}),
  ]);
  context.cleanup.use(home);
  context.cleanup.use(near);
  await Promise.all([home.psql(SCHEMA), near.psql(SCHEMA)]);
  await home.stop("fast");
  context.regions(["home", "near"]);
  const regionOf = (port: number) =>
    port === home.port ? "home" : port === near.port ? "near" : undefined;
  const target = (port: number) => [{ hosts: ["127.0.0.1"], port }];
  const sidecar = await sidecarFor(
    context,
    chaosConfig(
      [
        { name: "home", dialFailureTimeout: "500ms", targets: target(home.port) },
        {
          name: "near",
          dialFailureTimeout: "500ms",
          forcePromotionAfter: "500ms",
          targets: target(near.port),
        },
      ],
      {
        protocol: "postgres",
        ...(ca === undefined ? {} : {
          postgres: { tls: { mode: "verify-full", caCerts: [ca.caCertFile] } },
        }),
      },
      { failback: { maxSessions: 0, maxPercent: 0 } },
    ),
  );
  if (tls) {
    using db = await connectPg(sidecar.address);
    const [[ssl]] = await db.query(
      "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
    ) as [[string]];
    context.figure("backend session encrypted", ssl === "t" ? "yes" : "no");
    context.check(ssl === "t", "the sidecar's session to the backend is not encrypted");
  }
  const records: TxRecord[] = [];
  let figures: Awaited<ReturnType<typeof pooledSessions>> | undefined;
  const load = background(context, async (signal) => {
    figures = await pooledSessions(sidecar.address, WORKERS, 150, context.now, records, signal);
  });
  await pause(2_000, context.signal);
  context.mark("home PostgreSQL starts", "heal");
  const healMs = context.now();
  await home.start();
  const lastOnHome = () =>
    Array.from({ length: WORKERS }, (_, worker) => records.findLast((r) => r.worker === worker))
      .every((r) => r !== undefined && r.port === home.port && r.startMs > healMs);
  const homeBy = await until(context, () => lastOnHome() ? context.now() : 0, 15_000, "all home")
    .then((ms) => ms, () => undefined);
  await pause(1_000, context.signal);
  await load.stop();
  context.record(timelineOf(records, regionOf));

  const failed = records.filter((r) => r.outcome === "failed");
  const committed = records.length - failed.length;
  const rows = Number(await home.psql("SELECT count(*) FROM chaos_tx")) +
    Number(await near.psql("SELECT count(*) FROM chaos_tx"));
  const moved = figures?.moved ?? 0;
  const messages = [...(figures?.moveMessages ?? [])];
  context.figure("transactions committed", committed);
  context.figure("failed", failed.length);
  context.figure("rows written", rows);
  context.figure("sessions moved home", moved);
  context.figure("back home ms", homeBy === undefined ? -1 : Math.round(homeBy - healMs));
  context.figure("client saw", messages[0] ?? "nothing");
  context.check(committed > 20, `only ${committed} transactions committed`);
  context.check(
    failed.length === 0,
    `${failed.length} failed transactions: ${failed.map((r) => r.error).slice(0, 3).join(" | ")}`,
  );
  context.check(rows === committed, `${rows} rows for ${committed} commits`);
  context.check(homeBy !== undefined, "sessions did not all move home");
  context.check(moved >= WORKERS, `${moved} sessions moved, expected ${WORKERS}`);
  context.check(
    messages.every((message) => /57P01 .*nearer region/.test(message)),
    `a moved session was not told why: ${messages.join(" | ")}`,
  );
}

export const pgFailback: Scenario = {
  name: "pg-failback",
  title: "home PostgreSQL returns: sessions move home between transactions, none fails",
  timeoutMs: 90_000,
  run: (context) => run(context, false),
};

export const pgTls: Scenario = {
  name: "pg-tls",
  title: "pg-failback with backends that accept only TLS, verify-full against a test CA",
  timeoutMs: 90_000,
  run: (context) => run(context, true),
};
