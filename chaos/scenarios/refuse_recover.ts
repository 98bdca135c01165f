/**
 * region refuses at start, then recovers: the sidecar starts with home
 * refusing, serves from near, and sends new connections home once it is back.
 * @module
 */

import { pause } from "../clients.ts";
import {
  connectErrors,
  countByRegion,
  formatCounts,
  settledAfter,
  startedBetween,
} from "../figures.ts";
import type { Scenario } from "../scenario.ts";
import { regionsFor, sidecarUnderLoad } from "./_common.ts";

export const refuseRecover: Scenario = {
  name: "refuse-recover",
  title: "home refuses at start, recovers: new connections return home",
  timeoutMs: 30_000,
  async run(context) {
    const regions = await regionsFor(context, "refuse");
    await regions.setEnabled("home", false);
    context.mark("home refusing");
    const { clients, load } = await sidecarUnderLoad(context, regions, 3);
    await pause(2_000, context.signal);
    const healMs = context.now();
    await regions.setEnabled("home", true);
    context.mark("home back", "heal");
    await pause(3_000, context.signal);
    await load.stop();
    const during = startedBetween(clients.records, 0, healMs);
    const back = settledAfter(clients.records, healMs, ["home"]);
    const lastWindow = startedBetween(clients.records, healMs + 2_000);
    context.figure("while refusing", formatCounts(countByRegion(during)));
    context.figure("failed connects", connectErrors(clients.records).length);
    context.figure("back home after ms", back ?? -1);
    context.figure("last 1 s", formatCounts(countByRegion(lastWindow)));
    context.check(
      during.length > 10 && during.every((r) => r.region === "near"),
      `while refusing: ${formatCounts(countByRegion(during))}`,
    );
    context.check(connectErrors(clients.records).length === 0, "a client saw a failed connect");
    context.check(back !== undefined && back < 2_000, `back home took ${back} ms (want < 2000)`);
  },
};
