/**
 * pg-shutdown: `pg_ctl stop -m fast` on the home PostgreSQL while clients
 * open a new connection per transaction. The server still accepts TCP
 * while it shuts down and answers every startup with 57P03; the sidecar
 * replays those startups on the near server, so no client ever sees "the
 * database system is shutting down". Only transactions in flight at the
 * stop may fail; they are counted.
 * @module
 */

import { POSTGRES_MISSING, postgresBinDir, startPgCluster } from "../../src/testing/mod.ts";
import { countByRegion, formatCounts } from "../figures.ts";
import { pause } from "../clients.ts";
import { SCHEMA, shortSessions, timelineOf, type TxRecord } from "../postgres.ts";
import type { Scenario } from "../scenario.ts";
import { chaosConfig } from "../sidecar.ts";
import { background, sidecarFor } from "./_common.ts";

export const pgShutdown: Scenario = {
  name: "pg-shutdown",
  title: "pg_ctl stop -m fast on home: new connections land near, none sees 'shutting down'",
  timeoutMs: 90_000,
  async run(context) {
    if (postgresBinDir() === undefined) return context.check(false, POSTGRES_MISSING);
    const [home, near] = await Promise.all([startPgCluster(), startPgCluster()]);
    context.cleanup.use(home);
    context.cleanup.use(near);
    await Promise.all([home.psql(SCHEMA), near.psql(SCHEMA)]);
    context.regions(["home", "near"]);
    const regionOf = (port: number) =>
      port === home.port ? "home" : port === near.port ? "near" : undefined;
    const sidecar = await sidecarFor(
      context,
      chaosConfig(
        [
          { name: "home", targets: [{ hosts: ["127.0.0.1"], port: home.port }] },
          { name: "near", targets: [{ hosts: ["127.0.0.1"], port: near.port }] },
        ].map((tier) => ({ ...tier, dialFailureTimeout: "1s" })),
        { protocol: "postgres" },
      ),
    );
    const records: TxRecord[] = [];
    const load = background(
      context,
      (signal) => shortSessions(sidecar.address, 4, context.now, records, signal),
    );
    await pause(2_000, context.signal);
    const stopMs = context.now();
    context.mark("pg_ctl stop -m fast (home)");
    await home.stop("fast");
    const stoppedMs = context.now();
    context.mark("home stopped", "event");
    await pause(2_500, context.signal);
    await load.stop();
    context.record(timelineOf(records, regionOf));

    const failed = records.filter((r) => r.outcome === "failed");
    const shuttingDown = records.filter((r) => /shutting down/.test(r.error ?? ""));
    const inFlight = failed.filter((r) => r.startMs <= stoppedMs && r.endMs >= stopMs);
    const after = records.filter((r) => r.startMs > stoppedMs);
    const refusedStartups = sidecar.logs("backend refused a startup; trying the next").length;
    context.figure("transactions", records.length);
    context.figure("committed", records.length - failed.length);
    context.figure("failed (in flight at the stop)", inFlight.length);
    context.figure("saw 'shutting down'", shuttingDown.length);
    context.figure("startups replayed near", refusedStartups);
    context.figure("after the stop", formatCounts(countByRegion(timelineOf(after, regionOf))));
    context.check(records.length > 40, `only ${records.length} transactions`);
    context.check(
      shuttingDown.length === 0,
      `${shuttingDown.length} clients saw: ${shuttingDown[0]?.error}`,
    );
    const warnings = sidecar.logs().filter((line) => line.level === "warn").map((l) =>
      `${l.msg} ${l.error ?? l.kind ?? ""}`
    );
    context.check(
      failed.length === inFlight.length,
      `${failed.length - inFlight.length} failures outside the stop: ${
        failed.filter((r) => !inFlight.includes(r)).map((r) => r.error).slice(0, 3).join(" | ")
      } (sidecar warnings: ${warnings.slice(0, 4).join(" | ")})`,
    );
    context.check(
      after.length > 10 && after.every((r) => r.outcome === "committed" && r.port === near.port),
      `after the stop: ${formatCounts(countByRegion(timelineOf(after, regionOf)))}, ${
        after.filter((r) => r.outcome === "failed").length
      } failed`,
    );
  },
};
