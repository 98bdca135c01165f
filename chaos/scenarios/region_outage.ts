/**
 * region outage: home's proxies are disabled under load; new connections go
 * to near with zero failed connects, and the time to failover is measured.
 * @module
 */

import { pause } from "../clients.ts";
import {
  connectErrors,
  countByRegion,
  formatCounts,
  splitByFault,
  timeToFirst,
} from "../figures.ts";
import type { Scenario } from "../scenario.ts";
import { regionsFor, sidecarUnderLoad } from "./_common.ts";

export const regionOutage: Scenario = {
  name: "region-outage",
  title: "home disabled under load: failover to near, no failed connects",
  timeoutMs: 30_000,
  async run(context) {
    const regions = await regionsFor(context, "outage");
    const { clients, load } = await sidecarUnderLoad(context, regions, 4);
    await pause(1_500, context.signal);
    const faultMs = context.now();
    context.mark("home disabled");
    await regions.setEnabled("home", false);
    const faultDoneMs = context.now();
    await pause(2_500, context.signal);
    await load.stop();
    // Connections open while home was disabled may be cut wherever they started: count apart.
    const { before, inFlight, after, others } = splitByFault(
      clients.records,
      faultMs,
      faultDoneMs,
    );
    const failover = timeToFirst(clients.records, faultMs, ["near"]);
    const cut = inFlight.filter((r) => r.end !== "client close").length;
    context.figure("before", formatCounts(countByRegion(before)));
    context.figure("after", formatCounts(countByRegion(after)));
    context.figure("failed connects", connectErrors(others).length);
    context.figure("cut in flight", cut);
    context.figure("failover ms", failover ?? -1);
    context.check(before.every((r) => r.region === "home"), "not all on home before the outage");
    context.check(connectErrors(others).length === 0, "a client saw a failed connect");
    context.check(cut <= 4, `${cut} connections cut at the fault, more than the 4 workers`);
    context.check(after.length > 20, `only ${after.length} connections after the outage`);
    context.check(
      after.every((r) => r.region === "near"),
      `after: ${formatCounts(countByRegion(after))}`,
    );
    context.check(failover !== undefined && failover < 1_000, `failover took ${failover} ms`);
  },
};
