/**
 * failback after a region outage: sessions that failed over to near are
 * moved home (closed, the client reconnects) once home has had room for
 * forcePromotionAfter, at most `maxSessions` per maintenance tick; without
 * forcePromotionAfter they stay where they are and only new connections go
 * home.
 * @module
 */

import { stickyClients } from "../clients.ts";
import { clusters, countByRegion, formatCounts } from "../figures.ts";
import type { Scenario, ScenarioContext } from "../scenario.ts";
import { chaosConfig, tiersFromRegions } from "../sidecar.ts";
import { clientsFor, logTimeMs, regionsFor, sidecarFor, until } from "./_common.ts";
import { pause } from "../clients.ts";

const SESSIONS = 10;
const BUDGET = 2;
const TICK_MS = 500;
const PROMOTE_AFTER_MS = 1_000;

async function failbackRun(context: ScenarioContext, promote: boolean): Promise<void> {
  const regions = await regionsFor(context, promote ? "failback" : "nofailback", [
    { name: "home", nodes: 2, latencyMs: 1 },
    { name: "near", nodes: 2, latencyMs: 20 },
  ]);
  await regions.setEnabled("home", false);
  context.mark("home down");
  const sidecar = await sidecarFor(
    context,
    chaosConfig(
      tiersFromRegions(regions.list, (_, index) => ({
        dialFailureTimeout: "300ms",
        ...(index === 1 && promote ? { forcePromotionAfter: `${PROMOTE_AFTER_MS}ms` } : {}),
      })),
      {},
      { maintenanceTime: `${TICK_MS}ms`, failback: { maxSessions: BUDGET, maxPercent: 0 } },
    ),
  );
  const clients = clientsFor(context, sidecar);
  const sticky = stickyClients(clients, SESSIONS);
  context.cleanup.defer(() => sticky.stop());
  await until(
    context,
    () => sticky.current.filter((c) => c.record.region === "near").length === SESSIONS,
    5_000,
    `${SESSIONS} sessions on near`,
  );
  await pause(300, context.signal);
  const healMs = context.now();
  await regions.setEnabled("home", true);
  context.mark("home back", "heal");
  const homeNow = () => sticky.current.filter((c) => c.record.region === "home").length;
  if (promote) {
    await until(context, () => homeNow() === SESSIONS, 12_000, `all ${SESSIONS} sessions home`)
      .catch(() => {});
  } else {
    await pause(3_000, context.signal);
  }
  const allHomeMs = context.now() - healMs;
  const probe = clients.hold(SESSIONS + 1);
  await until(
    context,
    () => probe.record.node ?? probe.record.end !== "client close",
    5_000,
    "new connection greeted",
  );
  probe.release();
  await probe.done;
  const sessionsHome = homeNow();
  await sticky.stop();
  const closing = sidecar.logs("closing session").filter((l) => l.reason === "failback");
  const closeTimes = closing.map((l) => logTimeMs(context, l));
  const ticks = clusters(closeTimes, TICK_MS / 3);
  const perTick = ticks.map((t) => t.count);
  const firstMs = closeTimes.length === 0 ? -1 : Math.min(...closeTimes) - healMs;
  for (const tick of ticks) context.mark(`${tick.count} moved`, "event", tick.startMs);
  context.figure("sessions home at end", `${sessionsHome}/${SESSIONS}`);
  context.figure("failback closes", closing.length);
  context.figure("closes per tick", perTick.join(",") || "none");
  context.figure("first close after heal ms", firstMs);
  context.figure("new connection", probe.record.region ?? "failed");
  context.figure("reconnects", formatCounts(countByRegion(clients.records.slice(SESSIONS))));
  context.check(probe.record.region === "home", `a new connection went to ${probe.record.region}`);
  if (promote) {
    context.figure("all home after ms", allHomeMs);
    context.check(sessionsHome === SESSIONS, `${sessionsHome}/${SESSIONS} sessions home`);
    context.check(closing.length >= SESSIONS, `only ${closing.length} failback closes`);
    context.check(
      Math.max(0, ...perTick) <= BUDGET,
      `a tick closed ${Math.max(...perTick)} > budget ${BUDGET}`,
    );
    context.check(
      perTick.length >= Math.ceil(SESSIONS / BUDGET),
      `closes spread over only ${perTick.length} ticks`,
    );
    context.check(
      firstMs >= PROMOTE_AFTER_MS - TICK_MS,
      `first close ${firstMs} ms after heal, before forcePromotionAfter`,
    );
  } else {
    context.check(
      closing.length === 0,
      `${closing.length} sessions were moved without forcePromotionAfter`,
    );
    context.check(sessionsHome === 0, `${sessionsHome} sessions moved home`);
  }
}

export const failback: Scenario = {
  name: "failback",
  title:
    `forcePromotionAfter ${PROMOTE_AFTER_MS} ms, budget ${BUDGET}/tick: sessions move home gradually`,
  timeoutMs: 40_000,
  run: (context) => failbackRun(context, true),
};

export const failbackOff: Scenario = {
  name: "failback-off",
  title: "no forcePromotionAfter: sessions stay on near, new ones go home",
  timeoutMs: 30_000,
  run: (context) => failbackRun(context, false),
};

const HOME_ROOM_PER_NODE = 3;

export const failbackCapacity: Scenario = {
  name: "failback-capacity",
  title: `failback never moves more than home can take (${HOME_ROOM_PER_NODE} per node)`,
  timeoutMs: 40_000,
  async run(context) {
    const regions = await regionsFor(context, "fbcap", [
      { name: "home", nodes: 2, latencyMs: 1 },
      { name: "near", nodes: 2, latencyMs: 20 },
    ]);
    const room = HOME_ROOM_PER_NODE * regions.get("home").nodes.length;
    await regions.setEnabled("home", false);
    context.mark("home down");
    const sidecar = await sidecarFor(
      context,
      chaosConfig(
        tiersFromRegions(regions.list, (_, index) => ({
          dialFailureTimeout: "300ms",
          ...(index === 0
            ? { maxBackendConnections: HOME_ROOM_PER_NODE }
            : { forcePromotionAfter: `${PROMOTE_AFTER_MS}ms` }),
        })),
        {},
        { maintenanceTime: `${TICK_MS}ms`, failback: { maxSessions: 4, maxPercent: 0 } },
      ),
    );
    const clients = clientsFor(context, sidecar);
    const sticky = stickyClients(clients, SESSIONS);
    context.cleanup.defer(() => sticky.stop());
    await until(
      context,
      () => sticky.current.filter((c) => c.record.region === "near").length === SESSIONS,
      5_000,
      `${SESSIONS} sessions on near`,
    );
    const healMs = context.now();
    await regions.setEnabled("home", true);
    context.mark("home back", "heal");
    const homeNow = () => sticky.current.filter((c) => c.record.region === "home").length;
    await until(context, () => homeNow() >= room, 10_000, `${room} sessions home`).catch(() => {});
    const filledMs = context.now() - healMs;
    // Four more ticks: a policy without the capacity check would keep closing near sessions.
    await pause(4 * TICK_MS, context.signal);
    const home = homeNow();
    await sticky.stop();
    const closes = sidecar.logs("closing session").filter((l) => l.reason === "failback");
    const ticks = clusters(closes.map((l) => logTimeMs(context, l)), TICK_MS / 3);
    for (const tick of ticks) context.mark(`${tick.count} moved`, "event", tick.startMs);
    const bounced = clients.records.slice(SESSIONS).filter((r) => r.region !== "home").length;
    context.figure("home room", room);
    context.figure("sessions home/near", `${home}/${SESSIONS - home}`);
    context.figure("failback closes", closes.length);
    context.figure("closes per tick", ticks.map((t) => t.count).join(",") || "none");
    context.figure("reconnects not home", bounced);
    context.figure("home full after ms", filledMs);
    context.check(home === room, `${home} sessions home, room for ${room}`);
    context.check(
      closes.length === room,
      `${closes.length} failback closes for ${room} free seats`,
    );
    context.check(bounced === 0, `${bounced} moved sessions found home full and went back to near`);
  },
};
