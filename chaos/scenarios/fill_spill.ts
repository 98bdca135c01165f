/**
 * fill and spill: with maxBackendConnections, home fills first, the
 * overflow goes to the next region and nowhere else; freed room at home is
 * used again.
 * @module
 */

import type { HeldConn } from "../clients.ts";
import { countByNode, countByRegion, formatCounts } from "../figures.ts";
import type { Scenario } from "../scenario.ts";
import { chaosConfig, tiersFromRegions } from "../sidecar.ts";
import { clientsFor, regionsFor, sidecarFor, until } from "./_common.ts";

const PER_BACKEND = 3;

export const fillSpill: Scenario = {
  name: "fill-spill",
  title: `maxBackendConnections ${PER_BACKEND}: overflow goes to near only`,
  timeoutMs: 30_000,
  async run(context) {
    const regions = await regionsFor(context, "fill");
    const sidecar = await sidecarFor(
      context,
      chaosConfig(tiersFromRegions(regions.list, () => ({ maxBackendConnections: PER_BACKEND }))),
    );
    const clients = clientsFor(context, sidecar);
    const homeRoom = PER_BACKEND * regions.get("home").nodes.length;
    const nearRoom = PER_BACKEND * regions.get("near").nodes.length;
    const total = homeRoom + nearRoom - 1;
    const held: HeldConn[] = [];
    context.cleanup.defer(async () => {
      for (const conn of held) conn.release();
      await Promise.all(held.map((conn) => conn.done));
    });
    // One at a time, so the order of arrival is the order of placement.
    for (let i = 0; i < total; i++) {
      const conn = clients.hold(i);
      held.push(conn);
      await until(
        context,
        () => conn.record.node ?? conn.record.end !== "client close",
        5_000,
        `greeting ${i}`,
      );
    }
    const byRegion = countByRegion(held.map((h) => h.record));
    const firstHome = held.slice(0, homeRoom).every((h) => h.record.region === "home");
    context.mark("home full", "event");
    context.figure("held", total);
    context.figure("placed", formatCounts(byRegion));
    context.figure(
      "home nodes",
      formatCounts(
        countByNode(held.filter((h) => h.record.region === "home").map((h) => h.record)),
      ),
    );
    context.check(firstHome, "the first connections did not all go home");
    context.check(
      byRegion.get("home") === homeRoom,
      `home took ${byRegion.get("home") ?? 0}, room ${homeRoom}`,
    );
    context.check(
      byRegion.get("near") === total - homeRoom,
      `near took ${byRegion.get("near") ?? 0}`,
    );
    context.check(
      !byRegion.has("far") && !byRegion.has("-"),
      `spilled beyond near: ${formatCounts(byRegion)}`,
    );
    // Free one seat at home: the next connection goes home again.
    const homeConn = held.find((h) => h.record.region === "home") as HeldConn;
    homeConn.release();
    await homeConn.done;
    await until(
      context,
      async () => {
        const probe = clients.hold(100);
        held.push(probe);
        await until(
          context,
          () => probe.record.node ?? probe.record.end !== "client close",
          5_000,
          "greeting",
        );
        if (probe.record.region === "home") return true;
        probe.release();
        await probe.done;
        return false;
      },
      3_000,
      "a freed home seat to be reused",
    );
    context.mark("home seat freed, reused", "event");
    context.figure("after one home close", "next → home");
  },
};
