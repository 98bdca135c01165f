/**
 * `protocol: redis` end to end with real redis-servers behind the sidecar
 * CLI: with `role: primary`, a replica in the tier is never picked.
 * @module
 */

import assert from "node:assert/strict";
import { closeQuietly } from "../src/net/mod.ts";
import { encodeCommand, ReplyReader, type RespValue } from "../src/protocol/mod.ts";
import { freePort, redisServerArgs, splitAddress, waitFor } from "../src/testing/mod.ts";
import { frontendConfig, startWithConfig, tier } from "./helpers.ts";

async function ask(address: string, ...words: string[]): Promise<RespValue> {
  const conn = await Deno.connect(splitAddress(address));
  try {
    await conn.write(encodeCommand(words));
    return await new ReplyReader(conn).read();
  } finally {
    closeQuietly(conn);
  }
}

function startRedis(port: number, dir: string, extra: string[] = []) {
  const child = new Deno.Command("redis-server", {
    args: [...redisServerArgs(port, { dir }), ...extra],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  return {
    async [Symbol.asyncDispose]() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

Deno.test("redis: with role primary a replica is never picked", async () => {
  const dir = await Deno.makeTempDir({ prefix: "iaido-redis-" });
  try {
    const primaryPort = freePort();
    const replicaPort = freePort();
    await using _primary = startRedis(primaryPort, dir);
    await using _replica = startRedis(replicaPort, dir, [
      "--replicaof",
      "127.0.0.1",
      String(primaryPort),
      "--dbfilename",
      "replica.rdb",
    ]);
    await waitFor(async () => {
      const role = await ask(`127.0.0.1:${replicaPort}`, "ROLE").catch(() => undefined);
      return Array.isArray(role) && role[0] === "slave";
    }, { message: "the replica to start" });
    await waitFor(async () =>
      await ask(`127.0.0.1:${primaryPort}`, "PING").catch(() => "") === "PONG"
    );
    const config = frontendConfig(
      [tier([replicaPort, primaryPort], { healthCheck: { interval: "200ms" } })],
      { protocol: "redis", redis: { role: "primary" } },
    );
    const { cli, address } = await startWithConfig(config);
    await using _cli = cli;
    for (let i = 0; i < 6; i++) {
      const reply = await ask(address, "CONFIG", "GET", "port") as string[];
      assert.equal(reply[1], String(primaryPort), `connection ${i}`);
    }
    await cli.waitForOutput(/not a primary: ROLE is \\?"slave\\?"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
