/**
 * Tests of the request body cap: a body over 1 MiB answers 413 in the API's
 * error shape after reading at most the cap, so a 200 MB POST costs the
 * server no more memory than a small one.
 * @module
 */

import assert from "node:assert/strict";
import { MAX_BODY_BYTES } from "./api_bodies.ts";
import { createToxiproxyApp } from "./app.ts";
import { createFakeNetwork } from "./test_fake_network.ts";

const CHUNK = 64 * 1024;

/** A body of `total` bytes made on demand, counting how many were pulled. */
function lazyBody(
  total: number,
  fill = 0x20,
): { stream: ReadableStream<Uint8Array>; pulled(): number } {
  let pulled = 0;
  const chunk = new Uint8Array(CHUNK).fill(fill);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      const part = chunk.subarray(0, Math.min(CHUNK, total - pulled));
      pulled += part.byteLength;
      controller.enqueue(part);
    },
  }, { highWaterMark: 0 });
  return { stream, pulled: () => pulled };
}

function post(path: string, body: BodyInit, headers: HeadersInit = {}): Request {
  return new Request(`http://toxiproxy${path}`, { method: "POST", body, headers });
}

Deno.test("a 200 MB POST /proxies answers 413 after reading no more than the 1 MiB cap", async () => {
  await using app = disposable(createToxiproxyApp({ network: createFakeNetwork() }));
  const body = lazyBody(200 * 1024 * 1024);
  const response = await app.handler(post("/proxies", body.stream));
  assert.equal(response.status, 413);
  assert.equal(response.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.deepEqual(JSON.parse(await response.text()), {
    error: `request body too large: the limit is ${MAX_BODY_BYTES} bytes`,
    status: 413,
  });
  assert.ok(body.pulled() <= MAX_BODY_BYTES + CHUNK, `pulled ${body.pulled()} bytes`);
  assert.equal((await app.handler(new Request("http://toxiproxy/proxies"))).status, 200);
});

Deno.test("a declared Content-Length over the cap answers 413 before reading a byte", async () => {
  await using app = disposable(createToxiproxyApp({ network: createFakeNetwork() }));
  await app.handler(post("/proxies", '{"name":"p","upstream":"x:1","enabled":false}'));
  const body = lazyBody(10 * 1024 * 1024);
  const request = post("/proxies/p/toxics", body.stream, {
    "content-length": String(10 * 1024 * 1024),
  });
  const response = await app.handler(request);
  assert.equal(response.status, 413);
  await response.body?.cancel();
  assert.equal(body.pulled(), 0);
  await request.body?.cancel();
});

Deno.test("populate answers an oversized body in its own JSON shape", async () => {
  await using app = disposable(createToxiproxyApp({ network: createFakeNetwork() }));
  const response = await app.handler(post("/populate", lazyBody(2 * MAX_BODY_BYTES).stream));
  assert.equal(response.status, 413);
  assert.equal(response.headers.get("content-type"), "application/json");
  assert.deepEqual(JSON.parse(await response.text()), {
    error: `request body too large: the limit is ${MAX_BODY_BYTES} bytes`,
    status: 413,
    proxies: null,
  });
});

Deno.test("a body of exactly the cap is read in full", async () => {
  await using app = disposable(createToxiproxyApp({ network: createFakeNetwork() }));
  const json = '{"name":"p","upstream":"x:1","enabled":false}';
  const padded = json + " ".repeat(MAX_BODY_BYTES - json.length);
  assert.equal((await app.handler(post("/proxies", padded))).status, 201);
  const over = (await app.handler(post("/proxies", padded + " "))).status;
  assert.equal(over, 413);
});

Deno.test("the server process stays small and serving after a 200 MB POST", async () => {
  const main = new URL("./main.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", main, "-host", "127.0.0.1", "-port", "0"],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let first = "";
    while (!first.includes("\n")) {
      const { done, value } = await lines.read();
      if (done) throw new Error("the server exited before its first line");
      first += value;
    }
    const url = JSON.parse(first.split("\n")[0]!).url as string;
    const body = lazyBody(200 * 1024 * 1024, 0x7b);
    const response = await fetch(`${url}/proxies`, {
      method: "POST",
      body: body.stream,
      duplex: "half",
    } as RequestInit);
    assert.equal(response.status, 413);
    assert.match(await response.text(), /"status":413/);
    const version = await fetch(`${url}/version`);
    assert.equal(version.status, 200);
    await version.body?.cancel();
    const peakKiB = Number(
      /VmHWM:\s+(\d+) kB/.exec(await Deno.readTextFile(`/proc/${child.pid}/status`))?.[1],
    );
    // A Deno process idles near 50 MB; buffering the body would need 200 MB more.
    assert.ok(peakKiB < 150 * 1024, `peak resident memory ${peakKiB} KiB`);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await lines.cancel();
  }
});

/** Lets `await using` close an app. */
function disposable<T extends { close(): Promise<void> }>(app: T): T & AsyncDisposable {
  return Object.assign(app, { [Symbol.asyncDispose]: () => app.close() });
}
