/**
 * one node of home down: the rest of home absorbs its share, nothing spills
 * to another region, no client sees a failed connect.
 * @module
 */

import { pause } from "../clients.ts";
import {
  connectErrors,
  countByNode,
  countByRegion,
  formatCounts,
  splitByFault,
} from "../figures.ts";
import type { Scenario } from "../scenario.ts";
import { regionsFor, sidecarUnderLoad } from "./_common.ts";

export const nodeDown: Scenario = {
  name: "node-down",
  title: "one home node down: the other home nodes absorb it, no spill",
  timeoutMs: 30_000,
  async run(context) {
    const regions = await regionsFor(context, "node", [
      { name: "home", nodes: 3, latencyMs: 1 },
      { name: "near", nodes: 2, latencyMs: 20 },
    ]);
    const { clients, load } = await sidecarUnderLoad(context, regions, 4);
    await pause(1_500, context.signal);
    const down = regions.get("home").nodes[0]!;
    const faultMs = context.now();
    await regions.setNodeEnabled(down, false);
    const faultDoneMs = context.now();
    context.mark(`${down.id} down`);
    await pause(2_500, context.signal);
    await load.stop();
    // Connections open at the fault were already accepted by that node and may be cut.
    const { inFlight, after, others } = splitByFault(clients.records, faultMs, faultDoneMs);
    const byNode = countByNode(after);
    context.figure("after", formatCounts(countByRegion(after)));
    context.figure("home nodes after", formatCounts(byNode));
    context.figure("failed connects", connectErrors(others).length);
    context.figure("cut in flight", inFlight.filter((r) => r.end !== "client close").length);
    context.check(after.length > 20, `only ${after.length} connections after the fault`);
    context.check(
      after.every((r) => r.region === "home"),
      `spilled: ${formatCounts(countByRegion(after))}`,
    );
    context.check(!byNode.has(down.id), `${down.id} still served ${byNode.get(down.id)}`);
    context.check(connectErrors(others).length === 0, "a client saw a failed connect");
    for (const node of regions.get("home").nodes.slice(1)) {
      context.check(
        (byNode.get(node.id) ?? 0) >= after.length * 0.3,
        `${node.id} took ${byNode.get(node.id) ?? 0} of ${after.length}`,
      );
    }
  },
};
