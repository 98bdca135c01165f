/**
 * A tcp frontend that ran out of file descriptors serves again by itself
 * once clients leave. Deno's node:net server stops accepting for good after
 * an EMFILE, without an error; the listener's watchdog must notice and
 * listen again. The sidecar runs as a subprocess whose descriptor limit is
 * lowered with `prlimit` once it is listening.
 */

import assert from "node:assert/strict";
import {
  closeQuietly,
  readLine,
  startSidecarCli,
  startTestServer,
  waitFor,
} from "../src/testing/mod.ts";

const LIMIT = 64;

Deno.test("a tcp frontend out of file descriptors serves again once clients leave", async () => {
  await using backend = startTestServer("home", { greeting: "home" });
  const dir = await Deno.makeTempDir();
  try {
    const config = `${dir}/iaido.json`;
    await Deno.writeTextFile(
      config,
      JSON.stringify({
        frontends: [{
          bindAddress: "127.0.0.1:0",
          backendPool: {
            tiers: [{ targets: [{ hosts: ["127.0.0.1"], port: backend.port }] }],
          },
        }],
      }),
    );
    const { cli, addresses } = await startSidecarCli(["-c", config], 1, {
      permissions: ["--allow-net", `--allow-read=${dir}`],
    });
    await using _cli = cli;
    const port = Number((addresses[0] as string).split(":")[1]);
    const limited = await new Deno.Command("prlimit", {
      args: [`--nofile=${LIMIT}:${LIMIT}`, "--pid", String(cli.child.pid)],
    }).output();
    assert.equal(limited.code, 0, new TextDecoder().decode(limited.stderr));
    // More clients than the sidecar has descriptors for (two each): some are never greeted.
    const clients: Deno.TcpConn[] = [];
    for (let i = 0; i < LIMIT; i++) {
      clients.push(
        await Deno.connect({ hostname: "127.0.0.1", port }),
      );
    }
    // The sidecar serves what its descriptors allow, then no more: its session count settles.
    let seen = -1;
    let stableSince = Date.now();
    await waitFor(() => {
      if (backend.open !== seen) [seen, stableSince] = [backend.open, Date.now()];
      return seen > 0 && Date.now() - stableSince > 1_000;
    }, { timeoutMs: 10_000, message: "the sidecar at its limit" });
    assert.ok(seen < LIMIT, `${seen} sessions for ${LIMIT} clients: the limit did not bite`);
    for (const conn of clients) closeQuietly(conn);
    // Once they are gone, a new client is served (after the watchdog re-listens, if it must).
    // Each try gives up after 1 s: a stuck listener leaves a client in its backlog, unanswered.
    const served = await waitFor(async () => {
      const timer = setTimeout(() => trying?.close(), 1_000);
      let trying: Deno.TcpConn | undefined;
      try {
        trying = await Deno.connect({ hostname: "127.0.0.1", port });
        return await readLine(trying);
      } catch {
        return undefined;
      } finally {
        clearTimeout(timer);
        if (trying !== undefined) closeQuietly(trying);
      }
    }, { timeoutMs: 15_000, intervalMs: 250, message: "a new client served after the exhaustion" });
    assert.equal(served, "home");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
