/**
 * failback after a region outage: sessions that failed over to near are
 * moved home (closed, the client reconnects) once home has had room for
 * forcePromotionAfter, at most `maxSessions` per maintenance tick; without
 * forcePromotionAfter they stay where they are and only new connections go
 * home.
 * @module
 */

import { pause, stickyClients } from "../clients.ts";
import { clusters, countByRegion, formatCounts } from "../figures.ts";
import type { Scenario, ScenarioContext } from "../scenario.ts";
import { chaosConfig, tiersFromRegions } from "../sidecar.ts";
import { clientsFor, logTimeMs, regionsFor, sidecarFor, until } from "./_common.ts";

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

const IDLE_FOR_MS = 600;

export const failbackIdle: Scenario = {
  name: "failback-idle",
  title: `failback idleFor ${IDLE_FOR_MS} ms: only idle sessions move, busy ones are left alone`,
  timeoutMs: 40_000,
  async run(context) {
    const regions = await regionsFor(context, "fbidle", [
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
          ...(index === 1 ? { forcePromotionAfter: `${PROMOTE_AFTER_MS}ms` } : {}),
        })),
        {},
        {
          maintenanceTime: `${TICK_MS}ms`,
          failback: { maxSessions: 0, maxPercent: 0, idleFor: `${IDLE_FOR_MS}ms` },
        },
      ),
    );
    const clients = clientsFor(context, sidecar);
    const half = SESSIONS / 2;
    // Busy: an echo every 100 ms for 5 s. Idle: say nothing after the greeting.
    const busy = Array.from(
      { length: half },
      (_, i) =>
        clients.connection(100 + i, {
          payloadBytes: 256,
          rounds: 50,
          roundGapMs: 100,
          stallMs: 3_000,
        }),
    );
    context.cleanup.defer(async () => {
      await Promise.allSettled(busy);
    });
    const idle = stickyClients(clients, half);
    context.cleanup.defer(() => idle.stop());
    await until(
      context,
      () => clients.records.filter((r) => r.region === "near").length >= SESSIONS,
      5_000,
      `${SESSIONS} sessions on near`,
    );
    const healMs = context.now();
    await regions.setEnabled("home", true);
    context.mark("home back", "heal");
    await until(
      context,
      () => idle.current.every((c) => c.record.region === "home"),
      8_000,
      "idle sessions home",
    ).catch(() => {});
    const idleMovedMs = context.now() - healMs;
    const busyEnded = await Promise.all(busy);
    const idleHome = idle.current.filter((c) => c.record.region === "home").length;
    await idle.stop();
    const closes = sidecar.logs("closing session").filter((l) => l.reason === "failback");
    const ticks = clusters(closes.map((l) => logTimeMs(context, l)), TICK_MS / 3);
    for (const tick of ticks) context.mark(`${tick.count} moved`, "event", tick.startMs);
    context.figure(
      "close times after heal ms",
      closes.map((l) => logTimeMs(context, l) - healMs).join(","),
    );
    const busyKept = busyEnded.filter((r) => r.end === "client close" && r.intact).length;
    context.figure("idle sessions home", `${idleHome}/${half}`);
    context.figure("idle moved within ms", idleMovedMs);
    context.figure("busy kept on near, intact", `${busyKept}/${half}`);
    context.figure("failback closes", closes.length);
    // Room since the heal (+ recovery probe), then forcePromotionAfter, idleFor, and tick alignment.
    const boundMs = 300 + PROMOTE_AFTER_MS + IDLE_FOR_MS + 3 * TICK_MS;
    context.check(
      idleMovedMs <= boundMs,
      `idle sessions moved after ${idleMovedMs} ms (bound ${boundMs})`,
    );
    context.check(idleHome === half, `${idleHome}/${half} idle sessions moved home`);
    context.check(busyKept === half, `${half - busyKept} busy sessions were cut`);
    context.check(closes.length === half, `${closes.length} failback closes, want ${half}`);
  },
};
