/**
 * real servers: two redis-server processes as two regions. redis-cli
 * through the sidecar keeps working while the home one is stopped and
 * restarted; redis-benchmark measures each region through the sidecar.
 * @module
 */

import { type ConnRecord, pause } from "../clients.ts";
import {
  countByRegion,
  formatCounts,
  settledAfter,
  splitByFault,
  startedBetween,
  timeToFirst,
} from "../figures.ts";
import { freePort, redisAvailable, redisBenchmark, redisCli, redisServer } from "../redis.ts";
import type { Scenario } from "../scenario.ts";
import { chaosConfig } from "../sidecar.ts";
import { background, sidecarFor } from "./_common.ts";
import { splitAddress } from "../../src/testing/mod.ts";

export const redisFailover: Scenario = {
  name: "redis",
  title: "two redis-servers as regions: redis-cli keeps working while home stops and restarts",
  timeoutMs: 60_000,
  async run(context) {
    if (!await redisAvailable()) {
      context.check(false, "redis-server not installed: run chaos/install.sh");
      return;
    }
    const ports = { home: freePort(), near: freePort() };
    const home = redisServer(ports.home, context.dir);
    const near = redisServer(ports.near, context.dir);
    context.cleanup.use(home);
    context.cleanup.use(near);
    await Promise.all([home.start(), near.start()]);
    context.regions(["home", "near"]);
    const sidecar = await sidecarFor(
      context,
      chaosConfig([
        {
          name: "home",
          dialFailureTimeout: "500ms",
          targets: [{ hosts: ["127.0.0.1"], port: ports.home }],
        },
        {
          name: "near",
          dialFailureTimeout: "500ms",
          targets: [{ hosts: ["127.0.0.1"], port: ports.near }],
        },
      ]),
    );
    const port = splitAddress(sidecar.address).port;
    const regionOf = (reply: string) => {
      const served = Number(reply.split("\n")[1]);
      return served === ports.home ? "home" : served === ports.near ? "near" : undefined;
    };
    const benchHome = await redisBenchmark(port, 20_000, 10, context.signal);
    const records: ConnRecord[] = [];
    context.record(records);
    let id = 0;
    const load = background(context, async (signal) => {
      const worker = async (n: number) => {
        while (!signal.aborted) {
          const record: ConnRecord = {
            id: ++id,
            worker: n,
            startMs: context.now(),
            endMs: 0,
            end: "client close",
            sent: 0,
            received: 0,
          };
          records.push(record);
          const key = `k${record.id}`;
          const reply = await redisCli(port, ["CONFIG", "GET", "port"]);
          const set = reply.ok ? await redisCli(port, ["SET", key, String(record.id)]) : reply;
          record.endMs = context.now();
          const region = reply.ok ? regionOf(reply.output) : undefined;
          if (reply.ok && set.ok && region !== undefined) {
            record.greetedMs = record.endMs;
            record.region = region;
            record.node = `${region}/redis:${region === "home" ? ports.home : ports.near}`;
          } else {
            record.end = "connect error";
            record.error = (set.ok ? reply : set).output;
          }
          await pause(10, signal);
        }
      };
      await Promise.all([worker(0), worker(1)]);
    });
    await pause(1_500, context.signal);
    const stopMs = context.now();
    context.mark("home redis stopped");
    await home.stop();
    // redis-server exits a cron tick or more after SIGTERM (longer on a busy machine); until
    // then it still serves, or accepts and then drops, what the sidecar sends it.
    const stoppedMs = context.now();
    await pause(1_000, context.signal);
    const benchNear = await redisBenchmark(port, 20_000, 10, context.signal);
    await pause(500, context.signal);
    const startMs = context.now();
    await home.start();
    context.mark("home redis restarted", "heal");
    await pause(2_500, context.signal);
    await load.stop();
    const failed = records.filter((r) => r.end === "connect error");
    const { inFlight, others } = splitByFault(records, stopMs, stoppedMs);
    const during = startedBetween(others, stoppedMs, startMs);
    const failover = timeToFirst(records, stopMs, ["near"]);
    const back = settledAfter(records, startMs, ["home"]);
    context.figure("commands ok", records.length - failed.length);
    context.figure("failed", failed.length);
    context.figure("stop took ms", stoppedMs - stopMs);
    context.figure(
      "failed: started ms after stop, error",
      failed.map((r) => `${Math.round(r.startMs - stopMs)} ${r.error}`).join(" | ") || "none",
    );
    context.figure("during outage", formatCounts(countByRegion(during)));
    context.figure("failover ms", failover ?? -1);
    context.figure("back home ms", back ?? -1);
    context.figure(
      "bench home SET/GET rps",
      `${benchHome.get("SET") ?? 0}/${benchHome.get("GET") ?? 0}`,
    );
    context.figure(
      "bench near SET/GET rps",
      `${benchNear.get("SET") ?? 0}/${benchNear.get("GET") ?? 0}`,
    );
    context.check(records.length > 50, `only ${records.length} commands`);
    // Only a command in flight while the server shuts down may fail, one per worker at most.
    const failedOutside = failed.filter((r) => !inFlight.includes(r));
    context.check(
      failed.length <= 2 && failedOutside.length === 0,
      `${failed.length} failed commands (${failedOutside.length} not in flight at the stop): ${
        failed.map((r) => `@${Math.round(r.startMs - stopMs)}ms ${r.error}`).slice(0, 3).join(" | ")
      }`,
    );
    context.check(
      during.length > 5 && during.every((r) => r.region === "near"),
      `during: ${formatCounts(countByRegion(during))}`,
    );
    context.check(back !== undefined && back < 2_000, `back home took ${back} ms`);
    context.check(
      (benchHome.get("GET") ?? 0) > 1_000 && (benchNear.get("GET") ?? 0) > 1_000,
      "redis-benchmark through the sidecar did not run",
    );
  },
};
