import assert from "node:assert/strict";
import { Children, runTool } from "../process.ts";
import { COPY_PROXY_BUILD, copyProxyArgs, startCopyProxy } from "../tools/copy_proxy.ts";
import { listeningProxy } from "../tools/sidecar.ts";
import {
  closeQuietly,
  readAll,
  readLine,
  refusedPort,
  startTestServer,
  waitFor,
} from "../../src/testing/mod.ts";

/** The floor built from the current source into a scratch folder, or why it could not be. */
const scratch = await Deno.makeTempDir({ prefix: "copy-proxy-test-" });
globalThis.addEventListener("unload", () => Deno.removeSync(scratch, { recursive: true }));
const binary = `${scratch}/copy_proxy`;
const build = await new Deno.Command("bash", { args: [COPY_PROXY_BUILD, binary] }).output();
const unbuilt = build.success ? undefined : new TextDecoder().decode(build.stderr).trim();
if (unbuilt !== undefined) console.error(`copy_proxy_test: skipped, not built: ${unbuilt}`);

const openDescriptors = (pid: number) => [...Deno.readDirSync(`/proc/${pid}/fd`)].length;

/** Sends `sent` through `port`, half-closes, and returns the echo read to the end. */
async function echoThrough(port: number, sent: Uint8Array, greeting?: string) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    if (greeting !== undefined) assert.equal(await readLine(conn), greeting);
    const reading = readAll(conn, 10_000);
    let written = 0;
    while (written < sent.length) written += await conn.write(sent.subarray(written));
    // The echo server ends its side only once it sees our half-close through the proxy.
    await conn.closeWrite();
    return await reading;
  } finally {
    closeQuietly(conn);
  }
}

Deno.test({
  name: "copy_proxy relays both ways, passes a half-close on, then closes both sockets",
  ignore: unbuilt !== undefined,
  async fn() {
    await using backend = startTestServer("backend", { greeting: "backend" });
    await using children = new Children();
    const proxy = await startCopyProxy(children, binary, [{
      name: "r",
      backendPort: backend.port,
    }]);
    const idle = openDescriptors(proxy.child.pid);
    // More than one 256 KiB buffer.
    const sent = crypto.getRandomValues(new Uint8Array(65536)).slice();
    const large = new Uint8Array(600_000).map((_, index) => sent[index % sent.length] as number);
    assert.deepEqual(await echoThrough(proxy.ports.get("r") as number, large, "backend"), large);
    await waitFor(() => backend.open === 0, { message: "the proxy to close the backend leg" });
    await waitFor(() => openDescriptors(proxy.child.pid) === idle, {
      message: "the proxy to close both sockets",
    });
    assert.equal(backend.accepted, 1);
  },
});

Deno.test({
  name: "copy_proxy keeps every byte through a buffer smaller than the data, on many connections",
  ignore: unbuilt !== undefined,
  async fn() {
    await using backend = startTestServer("backend");
    await using children = new Children();
    // 1 KiB buffers: every direction goes through many reads and short writes.
    const args = ["--buffer", "1024", ...copyProxyArgs([{ name: "r", backendPort: backend.port }])];
    const proxy = await listeningProxy(children.spawn("c-floor", binary, args), [
      { name: "r", backendPort: backend.port },
    ]);
    const port = proxy.ports.get("r") as number;
    const payloads = Array.from({ length: 20 }, (_, index) => new Uint8Array(50_000).fill(index));
    const echoes = await Promise.all(payloads.map((payload) => echoThrough(port, payload)));
    echoes.forEach((echo, index) => assert.deepEqual(echo, payloads[index]));
    await waitFor(() => backend.open === 0, { message: "the proxy to close every backend leg" });
    assert.equal(backend.accepted, 20);
  },
});

Deno.test({
  name: "copy_proxy closes the client when the backend refuses",
  ignore: unbuilt !== undefined,
  async fn() {
    await using children = new Children();
    const proxy = await startCopyProxy(children, binary, [
      { name: "r", backendPort: refusedPort() },
    ]);
    const idle = openDescriptors(proxy.child.pid);
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: proxy.ports.get("r") as number,
    });
    try {
      assert.equal((await readAll(conn, 10_000)).length, 0);
    } finally {
      closeQuietly(conn);
    }
    await waitFor(() => openDescriptors(proxy.child.pid) === idle, {
      message: "the proxy to close both sockets",
    });
  },
});

Deno.test({
  name: "copy_proxy exits 2 with a usage line on a bad route or buffer size",
  ignore: unbuilt !== undefined,
  async fn() {
    for (
      const [args, why] of [
        [[], /copy_proxy: no route given/],
        [["127.0.0.1:0"], /expected LISTEN=BACKEND, got: 127\.0\.0\.1:0/],
        [["localhost:0=127.0.0.1:1"], /expected numeric host:port addresses, got: localhost/],
        [["--buffer", "12", "127.0.0.1:0=127.0.0.1:1"], /--buffer must be 1024\.\.67108864/],
      ] as const
    ) {
      const { code, stderr } = await runTool(binary, args, 10_000, { okCodes: [2] });
      assert.equal(code, 2);
      assert.match(stderr, why);
      assert.match(stderr, /usage: copy_proxy \[--buffer BYTES\] LISTEN=BACKEND/);
    }
  },
});
