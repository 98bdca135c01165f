/**
 * Reproduction (sidecar finding, not fixed here): when the backend resets a
 * session (RST), the sidecar logs `how=error` but ends the client side with
 * a clean FIN, so the client cannot tell a cut-off reply from a complete one.
 * Expected: the client's connection is reset too (close with SO_LINGER 0).
 *
 * Run: deno run --allow-all chaos/repro/backend_reset_becomes_fin.ts
 * Exit 0 when the client sees a reset, 1 when it sees a clean EOF.
 * @module
 */

import net from "node:net";
import { splitAddress, startSidecarCli } from "../../src/testing/mod.ts";

const server = net.createServer((socket) => {
  socket.on("error", () => {}); // The sidecar's probes connect and leave at once.
  // Half a reply, then an abort.
  socket.write("partial reply\n", () => setTimeout(() => socket.resetAndDestroy(), 100));
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
const port = (server.address() as net.AddressInfo).port;
const dir = await Deno.makeTempDir();
const config = `${dir}/iaido.json`;
await Deno.writeTextFile(
  config,
  JSON.stringify({
    frontends: [{
      bindAddress: "127.0.0.1:0",
      backendPool: { tiers: [{ targets: [{ hosts: ["127.0.0.1"], port }] }] },
    }],
  }),
);
const { cli, addresses } = await startSidecarCli(["-c", config], 1, {
  permissions: ["--allow-net", `--allow-read=${dir}`],
});
let seen = "";
const conn = await Deno.connect(splitAddress(addresses[0] as string));
const buffer = new Uint8Array(1024);
try {
  while (true) {
    const count = await conn.read(buffer);
    if (count === null) {
      seen += "[EOF]";
      break;
    }
    seen += new TextDecoder().decode(buffer.subarray(0, count));
  }
} catch (error) {
  seen += `[${(error as Error).name}]`;
}
conn.close();
await cli.waitForOutput(/session ended/);
const logged = cli.stderr.split("\n").find((line) => line.includes("session ended")) ?? "";
await cli[Symbol.asyncDispose]();
await new Promise((resolve) => server.close(resolve));
await Deno.remove(dir, { recursive: true });
console.log(`client saw: ${JSON.stringify(seen)}`);
console.log(`sidecar:    ${logged}`);
const reset = seen.includes("[ConnectionReset]");
console.log(
  reset
    ? "ok: the reset reached the client"
    : "finding: the backend's reset reached the client as a clean EOF",
);
Deno.exit(reset ? 0 : 1);
