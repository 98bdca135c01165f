/**
 * blackhole: a `timeout` toxic (no RST, the proxy still accepts) makes one
 * home node silent; the health check (expecting the greeting) takes it out
 * within fall × interval + timeout, the other home node absorbs the load,
 * and the node comes back after the toxic is removed.
 * @module
 */

import { pause, runWorkers } from "../clients.ts";
import { countByNode, countByRegion, formatCounts, startedBetween } from "../figures.ts";
import type { Scenario } from "../scenario.ts";
import { chaosConfig, tiersFromRegions } from "../sidecar.ts";
import { background, clientsFor, endedSessions, regionsFor, sidecarFor, until } from "./_common.ts";

const INTERVAL_MS = 300;
const TIMEOUT_MS = 300;
const FALL = 2;
/** Worst case: the fault lands just after a check, then FALL failed checks, each up to TIMEOUT_MS. */
const DETECT_BOUND_MS = INTERVAL_MS + (FALL - 1) * INTERVAL_MS + TIMEOUT_MS + 200;

export const blackhole: Scenario = {
  name: "blackhole",
  title: `timeout toxic (no RST) on a home node: out within ${DETECT_BOUND_MS} ms`,
  timeoutMs: 40_000,
  async run(context) {
    const regions = await regionsFor(context, "blackhole", [
      { name: "home", nodes: 2, latencyMs: 1 },
      { name: "near", nodes: 2, latencyMs: 20 },
    ]);
    const sidecar = await sidecarFor(
      context,
      chaosConfig(tiersFromRegions(regions.list, () => ({
        healthCheck: {
          interval: `${INTERVAL_MS}ms`,
          timeout: `${TIMEOUT_MS}ms`,
          fall: FALL,
          rise: 2,
          expect: "/node-",
        },
      }))),
    );
    const clients = clientsFor(context, sidecar);
    const load = background(
      context,
      (signal) => runWorkers(clients, 2, signal, { payloadBytes: 1024, pauseMs: 20, stallMs: 250 }),
    );
    await pause(1_000, context.signal);
    const [silent] = regions.get("home").nodes;
    if (silent === undefined) throw new Error("no home node");
    const faultMs = context.now();
    await context.faults.api.addToxic(silent.proxy, {
      name: "hole",
      type: "timeout",
      stream: "downstream",
      attributes: { timeout: 0 },
    });
    context.mark(`blackhole ${silent.id}`);
    await pause(2_500, context.signal);
    const healMs = context.now();
    await context.faults.api.removeToxic(silent.proxy, "hole");
    context.mark("blackhole removed", "heal");
    await until(
      context,
      () => startedBetween(clients.records, healMs).some((r) => r.node === silent.id),
      4_000,
      `${silent.id} to serve again`,
    ).catch(() => {});
    const backMs = clients.records.find((r) => r.startMs >= healMs && r.node === silent.id)
      ?.startMs;
    await load.stop();
    const key = `${silent.host}:${silent.port}`;
    // Sessions the sidecar still sent to the silent node after the fault (from its log).
    const sentThere = endedSessions(context, sidecar).filter((s) =>
      s.backend === key && s.startMs >= faultMs && s.startMs < healMs
    );
    const detectMs = sentThere.length === 0
      ? 0
      : Math.max(...sentThere.map((s) => s.startMs)) - faultMs;
    const stalled = clients.records.filter((r) =>
      r.end === "stalled" ||
      (r.end === "connect error" && r.startMs >= faultMs && r.startMs < healMs)
    );
    const afterDetect = startedBetween(clients.records, faultMs + detectMs + 50, healMs);
    context.figure("detected within ms", detectMs);
    context.figure("sessions sent to the hole", sentThere.length);
    context.figure("clients stalled", stalled.length);
    context.figure("after detection", formatCounts(countByNode(afterDetect)));
    context.figure("back after heal ms", backMs === undefined ? -1 : backMs - healMs);
    context.check(
      detectMs <= DETECT_BOUND_MS,
      `still routed to the hole ${detectMs} ms after the fault (bound ${DETECT_BOUND_MS})`,
    );
    context.check(
      afterDetect.length > 10 &&
        afterDetect.every((r) => r.node !== silent.id && r.region === "home"),
      `after detection: ${formatCounts(countByRegion(afterDetect))}`,
    );
    context.check(backMs !== undefined, `${silent.id} did not come back`);
  },
};
