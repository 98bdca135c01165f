/**
 * A blackholed backend (SYNs dropped: the dial neither succeeds nor is
 * refused) is caught by the dial timeout, disabled for `disableFor.timeout`,
 * and the same client goes on to the next tier without seeing an error.
 * The blackhole is a dialer (of probes and of sessions) that never answers for that one address, turned
 * on only once the startup latency probe has measured the backend: that
 * probe would otherwise race the client's dial to the same timeout and
 * count a second failure, or disable the backend before the client comes.
 * @module
 */

import assert from "node:assert/strict";
import { startSidecar } from "../../mod.ts";
import { connectIdentified, startTestServer, waitFor } from "../testing/mod.ts";
import { type TcpDialer, tcpDialer } from "../net/mod.ts";
import { denoDialer, type Dialer } from "./dial.ts";
import type { Status } from "../diag/mod.ts";

Deno.test("a blackholed backend is timed out, disabled for disableFor.timeout, and the client served by the next tier", async () => {
  await using home = startTestServer("home", { greeting: "home" });
  await using near = startTestServer("near", { greeting: "near" });
  let blackholed = false;
  let homeDials = 0;
  const hang = (signal: AbortSignal) =>
    new Promise<never>((_, reject) =>
      signal.addEventListener(
        "abort",
        () => reject(new DOMException("aborted", "AbortError")),
        { once: true },
      )
    );
  const blackholes = (port: number) => {
    if (port !== home.port) return false;
    homeDials++;
    return blackholed;
  };
  const dialer: Dialer = (options) =>
    blackholes(options.port) ? hang(options.signal) : denoDialer(options);
  const dial = tcpDialer();
  const sessionDialer: TcpDialer = (options) =>
    blackholes(options.port) ? hang(options.signal) : dial(options);
  await using sidecar = await startSidecar({
    frontends: [{
      name: "db",
      bindAddress: "127.0.0.1:0",
      backendPool: {
        tiers: [
          {
            name: "home",
            dialFailureTimeout: "200ms",
            disableFor: { timeout: "30s" },
            targets: [{ hosts: ["127.0.0.1"], port: home.port }],
          },
          { name: "near", targets: [{ hosts: ["127.0.0.1"], port: near.port }] },
        ],
      },
    }],
  }, { dialer, sessionDialer });
  const status = async () =>
    await sidecar.diagHandler(new Request("http://diag/statusz")).json() as Status;
  const homeBackend = async () => (await status()).frontends[0]?.tiers[0]?.backends[0];
  await waitFor(async () => (await homeBackend())?.latencyMs != null, {
    message: "the startup latency probe of home",
  });
  blackholed = true;
  const dialsBefore = homeDials;

  const address = sidecar.frontends[0]?.address as string;
  const started = Date.now();
  using first = await connectIdentified(address);
  assert.equal(first.name, "near");
  assert.ok(Date.now() - started >= 190, "it waited for the dial timeout");
  assert.equal(homeDials, dialsBefore + 1, "one dial of the blackholed backend");
  const backend = await homeBackend();
  assert.equal(backend?.lastFailure?.kind, "timeout");
  assert.match(backend?.reason ?? "", /^disabled until .*: no answer within 200ms ×1$/);
  assert.ok(
    Date.parse(backend?.disabledUntil ?? "") - Date.now() > 25_000,
    "disabled for disableFor.timeout",
  );
  using second = await connectIdentified(address);
  assert.equal(second.name, "near");
  assert.equal(homeDials, dialsBefore + 1, "the disabled backend is not dialled again");
});
