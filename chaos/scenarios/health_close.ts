/**
 * health-close: with `healthCheck.closeSessionsOnFailure`, idle sessions on
 * a backend whose health check starts failing are closed (smeared over
 * half a maintenance tick, like a drain) and their clients reconnect to a
 * healthy region. The fault slows only new connections' greeting past the
 * check's timeout: the idle sessions themselves see nothing until closed.
 * @module
 */

import type { HeldConn } from "../clients.ts";
import { countByRegion, formatCounts } from "../figures.ts";
import type { Scenario } from "../scenario.ts";
import { chaosConfig, tiersFromRegions } from "../sidecar.ts";
import { clientsFor, endedSessions, regionsFor, sidecarFor, until } from "./_common.ts";

const SESSIONS = 6;
const MAINTENANCE_MS = 1_000;

export const healthClose: Scenario = {
  name: "health-close",
  title: "closeSessionsOnFailure: idle sessions on a failed backend reconnect elsewhere",
  timeoutMs: 30_000,
  async run(context) {
    const regions = await regionsFor(context, "hc", [
      { name: "home", nodes: 1, latencyMs: 1 },
      { name: "near", nodes: 1, latencyMs: 5 },
    ]);
    const tiers = tiersFromRegions(regions.list, (region) =>
      region.name === "home"
        ? {
          healthCheck: {
            interval: "200ms",
            timeout: "300ms",
            fall: 2,
            rise: 2,
            expect: "home/",
            closeSessionsOnFailure: true,
          },
        }
        : {});
    const sidecar = await sidecarFor(
      context,
      chaosConfig(tiers, {}, { maintenanceTime: MAINTENANCE_MS }),
    );
    const clients = clientsFor(context, sidecar);
    const held: HeldConn[] = [];
    for (let i = 0; i < SESSIONS; i++) held.push(clients.hold(i));
    context.cleanup.defer(async () => {
      for (const conn of held) conn.release();
      await Promise.allSettled(held.map((conn) => conn.done));
    });
    await until(
      context,
      () => held.every((conn) => conn.record.greetedMs !== undefined),
      5_000,
      "held sessions greeted",
    );
    const before = countByRegion(held.map((conn) => conn.record));
    // New connections to home greet 1 s late: checks time out; the idle sessions see nothing.
    await regions.addToxic("home", {
      name: "slow",
      type: "latency",
      stream: "downstream",
      attributes: { latency: 1_000, jitter: 0 },
    });
    const faultMs = context.now();
    context.mark("home's new connections greet 1 s late: health checks fail");
    const ended = await Promise.all(held.map((conn) => conn.done));
    const endedMs = ended.map((record) => record.endMs - faultMs);
    const reconnected = await Promise.all(
      Array.from({ length: SESSIONS }, (_, i) => clients.connection(100 + i, { payloadBytes: 64 })),
    );
    await regions.removeToxic("home", "slow");
    context.mark("home healed", "heal");
    const how = new Map<string, number>();
    for (const line of endedSessions(context, sidecar)) {
      if (line.startMs <= faultMs) how.set(line.how, (how.get(line.how) ?? 0) + 1);
    }
    const spreadMs = Math.max(...endedMs) - Math.min(...endedMs);
    const after = countByRegion(reconnected);
    context.figure("held before", formatCounts(before));
    context.figure("closed ms after the fault", `${Math.min(...endedMs)}–${Math.max(...endedMs)}`);
    context.figure("sidecar logged", formatCounts(how));
    context.figure("reconnected to", formatCounts(after));
    context.check(before.get("home") === SESSIONS, "the held sessions were not all on home");
    context.check(
      ended.every((record) => record.end === "server close"),
      `every held session should be closed by the sidecar; got ${
        formatCounts(new Map(ended.map((r) => [r.end, 1])))
      }`,
    );
    context.check(
      how.get("health") === SESSIONS,
      `the sidecar should log ${SESSIONS} × health; logged ${formatCounts(how)}`,
    );
    // fall 2 × 200 ms + the check's 300 ms timeout + half a tick of smear, with room for load.
    context.check(Math.max(...endedMs) < 4_000, `closes took ${Math.max(...endedMs)} ms`);
    context.check(spreadMs > 0, "the closes were not smeared");
    context.check(
      reconnected.every((record) => record.region === "near" && record.intact === true),
      `every reconnect should land on near intact; got ${formatCounts(after)}`,
    );
  },
};
