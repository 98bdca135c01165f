/**
 * baseline: with every region healthy, every connection is served by the
 * home region, spread across its nodes, byte-exact.
 * @module
 */

import { runWorkers } from "../clients.ts";
import { connectErrors, countByNode, countByRegion, formatCounts, median } from "../figures.ts";
import type { Scenario } from "../scenario.ts";
import { chaosConfig, tiersFromRegions } from "../sidecar.ts";
import { background, clientsFor, percent, regionsFor, sidecarFor } from "./_common.ts";

export const baseline: Scenario = {
  name: "baseline",
  title: "all healthy: home serves everything, spread across its nodes",
  timeoutMs: 30_000,
  async run(context) {
    const regions = await regionsFor(context, "baseline");
    const sidecar = await sidecarFor(context, chaosConfig(tiersFromRegions(regions.list)));
    const clients = clientsFor(context, sidecar);
    const load = background(
      context,
      (signal) => runWorkers(clients, 4, signal, { payloadBytes: 8192, pauseMs: 10 }),
    );
    const stopAt = context.now() + 3_000;
    while (context.now() < stopAt && !context.signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await load.stop();
    const records = clients.records;
    const byRegion = countByRegion(records);
    const byNode = countByNode(records);
    const home = byRegion.get("home") ?? 0;
    const greet = median(
      records.filter((r) => r.greetedMs !== undefined).map((r) =>
        (r.greetedMs as number) - r.startMs
      ),
    );
    context.figure("connections", records.length);
    context.figure("home", percent(home, records.length));
    context.figure("nodes", formatCounts(byNode));
    context.figure("connect errors", connectErrors(records).length);
    context.figure("intact", `${records.filter((r) => r.intact).length}/${records.length}`);
    context.figure("median greet ms", greet ?? -1);
    context.check(records.length >= 50, `only ${records.length} connections in 3 s`);
    context.check(home === records.length, `not all on home: ${formatCounts(byRegion)}`);
    for (const node of regions.get("home").nodes) {
      const share = (byNode.get(node.id) ?? 0) / Math.max(1, records.length);
      context.check(share >= 0.3, `${node.id} served ${percent(share, 1)} (want ≥ 30%)`);
    }
    context.check(records.every((r) => r.intact), "some connection lost or changed bytes");
  },
};
