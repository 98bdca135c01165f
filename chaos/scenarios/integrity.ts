/**
 * slicer and bandwidth: bytes cut into small random slices and throttled,
 * both ways, still arrive byte-exact through sidecar and toxics.
 * @module
 */

import { runWorkers } from "../clients.ts";
import { formatCounts } from "../figures.ts";
import type { Scenario } from "../scenario.ts";
import { chaosConfig, tiersFromRegions } from "../sidecar.ts";
import { clientsFor, regionsFor, sidecarFor } from "./_common.ts";

const PAYLOAD = 32 * 1024;
const ROUNDS = 4;
const RATE_KB = 2_000;

export const integrity: Scenario = {
  name: "integrity",
  title: `slicer + bandwidth ${RATE_KB} KB/s: byte-exact through sidecar and toxics`,
  timeoutMs: 40_000,
  async run(context) {
    const regions = await regionsFor(context, "integrity", [{
      name: "home",
      nodes: 2,
      latencyMs: 1,
    }]);
    const api = context.faults.api;
    for (const node of regions.get("home").nodes) {
      for (const stream of ["upstream", "downstream"] as const) {
        await api.addToxic(node.proxy, {
          name: `slice_${stream}`,
          type: "slicer",
          stream,
          attributes: { average_size: 700, size_variation: 600, delay: 0 },
        });
        await api.addToxic(node.proxy, {
          name: `bw_${stream}`,
          type: "bandwidth",
          stream,
          attributes: { rate: RATE_KB },
        });
      }
    }
    context.mark("slicer + bandwidth on home");
    const sidecar = await sidecarFor(context, chaosConfig(tiersFromRegions(regions.list)));
    const clients = clientsFor(context, sidecar);
    const controller = new AbortController();
    const started = Date.now();
    const work = runWorkers(clients, 4, controller.signal, {
      payloadBytes: PAYLOAD,
      rounds: ROUNDS,
      stallMs: 10_000,
    });
    const stop = setTimeout(() => controller.abort(), 3_000);
    context.signal.addEventListener("abort", () => controller.abort(), { once: true });
    await work;
    clearTimeout(stop);
    const seconds = (Date.now() - started) / 1000;
    const records = clients.records;
    const bytes = records.reduce((sum, r) => sum + r.sent + r.received, 0);
    const ends = new Map<string, number>();
    for (const r of records) ends.set(r.end, (ends.get(r.end) ?? 0) + 1);
    const intact = records.filter((r) => r.intact === true).length;
    context.figure("connections", records.length);
    context.figure("MiB both ways", (bytes / 1048576).toFixed(1));
    context.figure("KB/s per conn", (bytes / 2 / 1000 / seconds / 4).toFixed(0));
    context.figure("intact", `${intact}/${records.length}`);
    context.figure("ends", formatCounts(ends));
    context.check(records.length >= 8, `only ${records.length} connections finished`);
    context.check(
      intact === records.length,
      `${records.length - intact} connections corrupted or cut`,
    );
    context.check(records.every((r) => r.received === PAYLOAD * ROUNDS), "short reads");
  },
};
