/**
 * Near its descriptor limit the sidecar closes new clients at once (shed),
 * counts them, and says so on `/readyz`; once sessions end it takes
 * clients again and is ready by itself.
 * @module
 */

import assert from "node:assert/strict";
import { startSidecar } from "../../mod.ts";
import { parseExposition } from "../diag/mod.ts";
import {
  closeQuietly,
  connectIdentified,
  type IdentifiedConn,
  readAll,
  splitAddress,
  startTestServer,
  waitFor,
} from "../testing/mod.ts";

Deno.test("near the fd limit new clients are shed at once and counted, /readyz says why, and it recovers", async () => {
  await using home = startTestServer("home", { greeting: "home" });
  // A limit of 40 keeps a quarter (10) for the process: sessions hold 2 each, so 15 fit.
  await using sidecar = await startSidecar({
    frontends: [{
      name: "db",
      bindAddress: "127.0.0.1:0",
      backendPool: { tiers: [{ targets: [{ hosts: ["127.0.0.1"], port: home.port }] }] },
    }],
  }, { fdLimit: 40 });
  const address = sidecar.frontends[0]?.address as string;
  const get = (path: string) => sidecar.diagHandler(new Request(`http://diag${path}`));
  const held: IdentifiedConn[] = [];
  try {
    for (let i = 0; i < 15; i++) held.push(await connectIdentified(address));
    assert.equal(get("/readyz").status, 503, "the last seat taken: at the limit");
    const shed = await Deno.connect(splitAddress(address));
    assert.equal((await readAll(shed, 10_000).finally(() => closeQuietly(shed))).length, 0);
    assert.match(
      await get("/readyz").text(),
      /at the file descriptor limit: 30 sockets in use of 40/,
    );
    const families = parseExposition(await get("/metrics").text());
    assert.equal(families.get("iaido_frontend_clients_shed_total")?.samples[0]?.value, 1);
    assert.equal(families.get("iaido_ready")?.samples[0]?.value, 0);
  } finally {
    for (const conn of held.splice(0)) conn[Symbol.dispose]();
  }
  await waitFor(() => get("/readyz").status === 200, { message: "ready once sessions end" });
  using again = await connectIdentified(address);
  assert.equal(again.name, "home");
});
