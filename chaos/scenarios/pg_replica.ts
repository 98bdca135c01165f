/**
 * pg-replica and pg-cancel. pg-replica: a primary and its streaming standby
 * in one tier (the standby listed first) with `role: primary`; no session
 * ever lands on the standby, and when the primary stops and the standby is
 * promoted, sessions follow the new primary. pg-cancel: two servers in one
 * tier; a client cancels a running `SELECT pg_sleep(30)` through the
 * sidecar, which routes the cancel to that session's server: it ends
 * within a second, every time.
 * @module
 */

import {
  connectPg,
  PG_TEST_PASSWORD,
  POSTGRES_MISSING,
  postgresBinDir,
  sqlState,
  startPgCluster,
  startPgStandby,
} from "../../src/testing/mod.ts";
import { pause } from "../clients.ts";
import type { Scenario } from "../scenario.ts";
import { chaosConfig } from "../sidecar.ts";
import { sidecarFor, until } from "./_common.ts";

const targets = (...ports: number[]) => ports.map((port) => ({ hosts: ["127.0.0.1"], port }));

export const pgReplica: Scenario = {
  name: "pg-replica",
  title: "role: primary: a standby is never picked; after a promotion sessions follow",
  timeoutMs: 90_000,
  async run(context) {
    if (postgresBinDir() === undefined) return context.check(false, POSTGRES_MISSING);
    const primary = await startPgCluster();
    context.cleanup.use(primary);
    const standby = await startPgStandby(primary);
    context.cleanup.use(standby);
    context.regions(["home"]);
    const sidecar = await sidecarFor(
      context,
      chaosConfig(
        [{
          name: "home",
          dialFailureTimeout: "500ms",
          healthCheck: { interval: "250ms", timeout: "2s", rise: 1, fall: 1 },
          targets: targets(standby.port, primary.port),
        }],
        {
          protocol: "postgres",
          postgres: { role: "primary", password: PG_TEST_PASSWORD },
        },
      ),
    );
    const landed: { port: number; inRecovery: string; ms: number }[] = [];
    const session = async () => {
      try {
        using db = await connectPg(sidecar.address);
        const [[port, inRecovery]] = await db.query(
          "SELECT current_setting('port'), pg_is_in_recovery()",
        ) as [[string, string]];
        landed.push({ port: Number(port), inRecovery, ms: context.now() });
      } catch (error) {
        landed.push({ port: 0, inRecovery: sqlState(error) ?? String(error), ms: context.now() });
      }
    };
    for (let i = 0; i < 30; i++) await session();
    const before = landed.length;
    context.mark("primary stopped, standby promoted");
    const switchMs = context.now();
    await primary.stop("fast");
    await standby.promote();
    // The old standby takes sessions once a check sees it writable.
    await until(
      context,
      async () => {
        await session();
        return landed.at(-1)?.port === standby.port;
      },
      15_000,
      "sessions on the promoted standby",
    );
    const followedMs = context.now() - switchMs;
    for (let i = 0; i < 10; i++) await session();
    await pause(100, context.signal);
    const onStandby = landed.slice(0, before).filter((l) => l.port !== primary.port);
    const inRecovery = landed.filter((l) => l.inRecovery === "t");
    const afterSwitch = landed.slice(-10);
    context.figure("sessions before the switch", `${before} (on the standby: ${onStandby.length})`);
    context.figure("sessions on a server in recovery", inRecovery.length);
    context.figure("followed the promotion in ms", Math.round(followedMs));
    context.check(
      onStandby.length === 0,
      `${onStandby.length} sessions did not land on the primary: ${JSON.stringify(onStandby[0])}`,
    );
    context.check(inRecovery.length === 0, `${inRecovery.length} sessions landed on a standby`);
    context.check(
      afterSwitch.every((l) => l.port === standby.port && l.inRecovery === "f"),
      `after the promotion: ${JSON.stringify(afterSwitch.slice(0, 3))}`,
    );
  },
};

export const pgCancel: Scenario = {
  name: "pg-cancel",
  title: "two servers in a tier: a cancel through the sidecar ends pg_sleep(30) within 1 s",
  timeoutMs: 90_000,
  async run(context) {
    if (postgresBinDir() === undefined) return context.check(false, POSTGRES_MISSING);
    const [a, b] = await Promise.all([startPgCluster(), startPgCluster()]);
    context.cleanup.use(a);
    context.cleanup.use(b);
    context.regions(["home"]);
    const sidecar = await sidecarFor(
      context,
      chaosConfig([{ name: "home", targets: targets(a.port, b.port) }], { protocol: "postgres" }),
    );
    const rounds: { port: string; ms: number; code: string }[] = [];
    for (let round = 0; round < 8; round++) {
      using db = await connectPg(sidecar.address);
      const [[port]] = await db.query("SHOW port") as [[string]];
      const server = port === String(a.port) ? a : b;
      const sleeping = db.query("SELECT pg_sleep(30)").then(
        () => "finished",
        (error) => sqlState(error) ?? String(error),
      );
      await until(
        context,
        async () =>
          await server.psql(
            "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'",
          ) === "1",
        10_000,
        "pg_sleep to run",
      );
      const cancelledAt = performance.now();
      await db.cancel(sidecar.address);
      const code = await sleeping;
      rounds.push({ port, ms: performance.now() - cancelledAt, code });
    }
    const slow = rounds.filter((r) => r.code !== "57014" || r.ms > 1_000);
    const ports = new Set(rounds.map((r) => r.port));
    context.figure("cancels", rounds.length);
    context.figure("servers used", ports.size);
    context.figure("slowest cancel ms", Math.round(Math.max(...rounds.map((r) => r.ms))));
    const routed = () => sidecar.logs("cancel request routed").length;
    await until(context, () => routed() >= rounds.length, 3_000, "the routing log lines")
      .catch(() => undefined);
    context.figure("routed by the sidecar", routed());
    context.check(ports.size === 2, "the sessions did not use both servers");
    context.check(routed() === rounds.length, `${routed()} of ${rounds.length} cancels routed`);
    context.check(
      slow.length === 0,
      `${slow.length} cancels missed or slow: ${JSON.stringify(slow.slice(0, 2))}`,
    );
  },
};
