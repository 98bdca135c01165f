/**
 * A dial that fails for this process's own reason (out of descriptors) is
 * not the backend's fault: the client is closed, the backend keeps its
 * standing, and the probes that fail the same way do not count either.
 * @module
 */

import assert from "node:assert/strict";
import { startSidecar } from "../../mod.ts";
import type { Status } from "../diag/mod.ts";
import { systemScheduler } from "../scheduler.ts";
import { connectIdentified, readAll, splitAddress, startTestServer } from "../testing/mod.ts";
import { type TcpDialer, tcpDialer } from "../net/mod.ts";
import { dialBackend, type Dialer, DialError, LocalDialError } from "./dial.ts";

const emfile = () =>
  Object.assign(new Error("Too many open files (os error 24)"), { code: "EMFILE" });

Deno.test("dialBackend() reports EMFILE as a local failure, not a DialError", async () => {
  const dialer: Dialer = () => Promise.reject(emfile());
  const address = { key: "127.0.0.1:9", hostname: "127.0.0.1", port: 9 };
  const error = await dialBackend(
    dialer,
    address,
    1000,
    new AbortController().signal,
    systemScheduler,
  )
    .catch((e) => e);
  assert.ok(error instanceof LocalDialError);
  assert.ok(!(error instanceof DialError));
  assert.equal(error.reason, "too many open files");
});

Deno.test("EMFILE on every dial closes the clients but disables no backend", async () => {
  await using home = startTestServer("home", { greeting: "home" });
  let failing = true;
  let dials = 0;
  const dialer: Dialer = (options) => {
    dials++;
    return failing ? Promise.reject(emfile()) : Deno.connect(options);
  };
  // A tcp frontend's sessions dial on node:net: the same failure there.
  const dial = tcpDialer();
  const sessionDialer: TcpDialer = (options) => {
    dials++;
    return failing ? Promise.reject(emfile()) : dial(options);
  };
  await using sidecar = await startSidecar({
    frontends: [{
      name: "db",
      bindAddress: "127.0.0.1:0",
      backendPool: { tiers: [{ targets: [{ hosts: ["127.0.0.1"], port: home.port }] }] },
    }],
  }, { dialer, sessionDialer });
  const address = sidecar.frontends[0]?.address as string;
  for (let i = 0; i < 3; i++) {
    const conn = await Deno.connect(splitAddress(address));
    assert.equal((await readAll(conn, 10_000)).length, 0, "the client is closed, not served");
    conn.close();
  }
  assert.ok(dials >= 3);
  const status = async () =>
    await sidecar.diagHandler(new Request("http://diag/statusz")).json() as Status;
  const backend = (await status()).frontends[0]?.tiers[0]?.backends[0];
  assert.equal(backend?.lastFailure, null, "no failure recorded against the backend");
  assert.equal(backend?.eligible, true);
  assert.equal((await status()).frontends[0]?.endings["local error"], 3);

  failing = false;
  using served = await connectIdentified(address);
  assert.equal(served.name, "home", "the same backend serves once dials work");
});
