/**
 * A blackholed backend (SYNs dropped: the dial neither succeeds nor is
 * refused) is caught by the dial timeout, disabled for `disableFor.timeout`,
 * and the same client goes on to the next tier without seeing an error.
 * The blackhole is a dialer that never answers for that one address.
 */

import assert from "node:assert/strict";
import { startSidecar } from "../../mod.ts";
import { connectIdentified, startTestServer } from "../testing/mod.ts";
import { denoDialer, type Dialer } from "./dial.ts";
import type { Status } from "../diag/mod.ts";

Deno.test("a blackholed backend is timed out, disabled for disableFor.timeout, and the client served by the next tier", async () => {
  await using home = startTestServer("home", { greeting: "home" });
  await using near = startTestServer("near", { greeting: "near" });
  const blackholed = home.port;
  const dialer: Dialer = (options) =>
    options.port === blackholed
      ? new Promise((_, reject) =>
        options.signal.addEventListener(
          "abort",
          () => reject(new DOMException("aborted", "AbortError")),
          {
            once: true,
          },
        )
      )
      : denoDialer(options);
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
  }, { dialer });
  const address = sidecar.frontends[0]?.address as string;
  const started = Date.now();
  using first = await connectIdentified(address);
  assert.equal(first.name, "near");
  assert.ok(Date.now() - started >= 190, "it waited for the dial timeout");
  const status = await sidecar.diagHandler(new Request("http://diag/statusz")).json() as Status;
  const backend = status.frontends[0]?.tiers[0]?.backends[0];
  assert.equal(backend?.lastFailure?.kind, "timeout");
  assert.match(backend?.reason ?? "", /^disabled until .*: no answer within 200ms ×1$/);
  assert.ok(
    Date.parse(backend?.disabledUntil ?? "") - Date.now() > 25_000,
    "disabled for disableFor.timeout",
  );
  const again = Date.now();
  using second = await connectIdentified(address);
  assert.equal(second.name, "near");
  assert.ok(Date.now() - again < 150, "the disabled backend is not dialled again");
});
