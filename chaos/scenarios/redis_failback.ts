/**
 * redis-failback: clients run MULTI … EXEC blocks that stay open for a
 * while on the near redis-server while home is down; a subscriber and a
 * client blocked in BLPOP sit on near too. Home returns: the sidecar moves
 * the block clients home only between blocks (a plain close, which they
 * meet before their next MULTI and reconnect), and leaves the subscriber
 * and the blocked client alone.
 * @module
 */

import { closeQuietly } from "../../src/net/mod.ts";
import { encodeCommand, ReplyReader, type RespValue } from "../../src/protocol/mod.ts";
import { splitAddress } from "../../src/testing/mod.ts";
import { pause } from "../clients.ts";
import { freePort, redisAvailable, redisCli, redisServer } from "../redis.ts";
import type { Scenario } from "../scenario.ts";
import { chaosConfig } from "../sidecar.ts";
import { background, sidecarFor, until } from "./_common.ts";

/** A RESP connection that asks one command at a time. */
async function connect(address: string) {
  const conn = await Deno.connect(splitAddress(address));
  const reader = new ReplyReader(conn);
  return {
    conn,
    async ask(...words: string[]): Promise<RespValue> {
      await conn.write(encodeCommand(words));
      return await reader.read();
    },
    read: () => reader.read(),
    close: () => closeQuietly(conn),
  };
}

const WORKERS = 3;

export const redisFailback: Scenario = {
  name: "redis-failback",
  title: "home redis returns: MULTI blocks are never split, subscribers and BLPOP are left alone",
  timeoutMs: 60_000,
  async run(context) {
    if (!await redisAvailable()) {
      return context.check(false, "redis-server not installed: run chaos/install.sh");
    }
    const ports = { home: freePort(), near: freePort() };
    const home = redisServer(ports.home, context.dir);
    const near = redisServer(ports.near, context.dir);
    context.cleanup.use(home);
    context.cleanup.use(near);
    await near.start();
    context.regions(["home", "near"]);
    const target = (port: number) => [{ hosts: ["127.0.0.1"], port }];
    const sidecar = await sidecarFor(
      context,
      chaosConfig(
        [
          { name: "home", dialFailureTimeout: "500ms", targets: target(ports.home) },
          {
            name: "near",
            dialFailureTimeout: "500ms",
            forcePromotionAfter: "500ms",
            targets: target(ports.near),
          },
        ],
        { protocol: "redis" },
        { failback: { maxSessions: 0, maxPercent: 0 } },
      ),
    );
    const blocks: { worker: number; port: number; ok: boolean }[] = [];
    let split = 0;
    let moved = 0;
    const load = background(context, async (signal) => {
      const worker = async (n: number) => {
        let client: Awaited<ReturnType<typeof connect>> | undefined;
        let port = 0;
        while (!signal.aborted) {
          let inBlock = false;
          try {
            if (client === undefined) {
              client = await connect(sidecar.address);
              port = Number((await client.ask("CONFIG", "GET", "port") as string[])[1]);
            }
            if (await client.ask("MULTI") !== "OK") throw new Error("MULTI refused");
            inBlock = true;
            await client.ask("INCR", `a:${n}`);
            await pause(100, signal);
            await client.ask("INCR", `b:${n}`);
            const result = await client.ask("EXEC");
            inBlock = false;
            const ok = Array.isArray(result) && result.length === 2;
            blocks.push({ worker: n, port, ok });
          } catch {
            client?.close();
            client = undefined;
            if (inBlock) split++;
            else moved++;
          }
          await pause(30, signal);
        }
        client?.close();
      };
      await Promise.all(Array.from({ length: WORKERS }, (_, n) => worker(n)));
    });
    const subscriber = await connect(sidecar.address);
    const blocked = await connect(sidecar.address);
    context.cleanup.defer(() => {
      subscriber.close();
      blocked.close();
    });
    await subscriber.ask("SUBSCRIBE", "news");
    await blocked.conn.write(encodeCommand(["BLPOP", "queue", "0"]));
    await pause(1_500, context.signal);
    context.mark("home redis starts", "heal");
    const healMs = context.now();
    await home.start();
    const lastOnHome = () =>
      Array.from({ length: WORKERS }, (_, w) => blocks.findLast((b) => b.worker === w))
        .every((b) => b?.port === ports.home);
    const homeBy = await until(context, () => lastOnHome() ? context.now() : 0, 10_000, "home")
      .then((ms) => ms, () => undefined);
    // Both listeners are still on near, still listening: publish and push there.
    await redisCli(ports.near, ["PUBLISH", "news", "hello"]);
    await redisCli(ports.near, ["LPUSH", "queue", "job"]);
    const message = await subscriber.read().catch((error) => String(error));
    const popped = await blocked.read().catch((error) => String(error));
    await load.stop();
    const failedBlocks = blocks.filter((b) => !b.ok);
    context.figure("blocks committed", blocks.length - failedBlocks.length);
    context.figure("blocks split", split);
    context.figure("sessions moved home", moved);
    context.figure("back home ms", homeBy === undefined ? -1 : Math.round(homeBy - healMs));
    context.figure("subscriber got", JSON.stringify(message));
    context.figure("BLPOP got", JSON.stringify(popped));
    context.check(blocks.length > 20, `only ${blocks.length} blocks`);
    context.check(split === 0 && failedBlocks.length === 0, `${split} blocks split`);
    context.check(homeBy !== undefined, "the block clients did not all move home");
    context.check(moved >= WORKERS, `${moved} sessions moved, expected ${WORKERS}`);
    context.check(
      JSON.stringify(message) === JSON.stringify(["message", "news", "hello"]),
      `the subscriber was disturbed: ${JSON.stringify(message)}`,
    );
    context.check(
      JSON.stringify(popped) === JSON.stringify(["queue", "job"]),
      `the blocked client was disturbed: ${JSON.stringify(popped)}`,
    );
  },
};
