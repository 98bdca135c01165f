/**
 * flapping region: home is disabled and enabled every 500 ms for 10 s under
 * load. Clients keep working (errors within a stated bound), the sidecar
 * does not storm the backends with dials, and its sockets settle back.
 * @module
 */

import { pause, runWorkers } from "../clients.ts";
import {
  connectErrors,
  countByRegion,
  formatCounts,
  median,
  perBucket,
  startedBetween,
} from "../figures.ts";
import type { Scenario } from "../scenario.ts";
import { chaosConfig, tiersFromRegions } from "../sidecar.ts";
import { background, clientsFor, percent, regionsFor, sidecarFor, until } from "./_common.ts";

const TOGGLE_MS = 500;
const FLAP_MS = 10_000;
/** Stated bounds: at most 1 % of connections fail to connect; at most 3 % are cut mid-session. */
const MAX_CONNECT_ERRORS = 0.01;
const MAX_CUT = 0.03;

export const flapping: Scenario = {
  name: "flapping",
  title: `home toggled every ${TOGGLE_MS} ms for ${FLAP_MS / 1000} s: no storm, errors bounded`,
  timeoutMs: 45_000,
  async run(context) {
    const regions = await regionsFor(context, "flap", [
      { name: "home", nodes: 2, latencyMs: 1 },
      { name: "near", nodes: 2, latencyMs: 20 },
    ]);
    const sidecar = await sidecarFor(
      context,
      chaosConfig(tiersFromRegions(regions.list, () => ({ dialFailureTimeout: "300ms" }))),
    );
    const baselineSockets = await sidecar.sockets();
    const clients = clientsFor(context, sidecar);
    const load = background(
      context,
      (signal) => runWorkers(clients, 4, signal, { payloadBytes: 2048, pauseMs: 20 }),
    );
    await pause(1_000, context.signal);
    const flapStart = context.now();
    let enabled = true;
    let toggles = 0;
    while (context.now() - flapStart < FLAP_MS && !context.signal.aborted) {
      enabled = !enabled;
      await regions.setEnabled("home", enabled);
      toggles++;
      context.mark(enabled ? "up" : "down", enabled ? "heal" : "fault");
      await pause(TOGGLE_MS - ((context.now() - flapStart) % TOGGLE_MS), context.signal);
    }
    if (!enabled) {
      await regions.setEnabled("home", true);
      context.mark("up", "heal");
    }
    const flapEnd = context.now();
    await pause(1_000, context.signal);
    await load.stop();
    let sockets = -1;
    await until(
      context,
      async () => (sockets = await sidecar.sockets()) <= baselineSockets,
      5_000,
      "sockets back to baseline",
    ).catch(() => {});
    const during = startedBetween(clients.records, flapStart, flapEnd);
    const errors = connectErrors(during).length;
    const cut = during.filter((r) => r.end !== "client close" && r.end !== "connect error").length;
    const rates = perBucket(during.map((r) => r.startMs), flapStart, TOGGLE_MS).slice(0, -1);
    const before = startedBetween(clients.records, 0, flapStart).length / (flapStart / TOGGLE_MS);
    const dialFailures = sidecar.logs("backend disabled after a failed dial").length;
    const offPhases = Math.ceil(toggles / 2);
    context.figure("toggles", toggles);
    context.figure("connections", formatCounts(countByRegion(during)));
    context.figure("connect errors", `${errors} (${percent(errors, during.length)})`);
    context.figure("cut mid-session", `${cut} (${percent(cut, during.length)})`);
    context.figure(
      "conns per 500 ms max/median/before",
      `${Math.max(...rates)}/${median(rates)}/${before.toFixed(0)}`,
    );
    context.figure("failed dials logged", dialFailures);
    context.figure("sockets baseline/after", `${baselineSockets}/${sockets}`);
    context.check(sidecar.running, "the sidecar exited");
    context.check(during.length > 50, `only ${during.length} connections`);
    context.check(
      errors <= during.length * MAX_CONNECT_ERRORS,
      `${errors} connect errors > ${MAX_CONNECT_ERRORS * 100}%`,
    );
    context.check(cut <= during.length * MAX_CUT, `${cut} sessions cut > ${MAX_CUT * 100}%`);
    // A storm would be far more client connections (retries) or dials than the load produces.
    context.check(
      Math.max(...rates) <= 2 * Math.max(before, median(rates) ?? 0),
      `a burst of ${Math.max(...rates)} connections in ${TOGGLE_MS} ms`,
    );
    context.check(
      dialFailures <= 2 * regions.get("home").nodes.length * offPhases,
      `${dialFailures} failed dials over ${offPhases} outages`,
    );
    context.check(sockets <= baselineSockets, `sockets ${sockets} > baseline ${baselineSockets}`);
    context.check(
      (countByRegion(during).get("home") ?? 0) > 0 && (countByRegion(during).get("near") ?? 0) > 0,
      "did not use both regions while flapping",
    );
  },
};
