import assert from "node:assert/strict";
import { silentLogger } from "../log/mod.ts";
import { closeQuietly, readAll, splitAddress, waitFor } from "../testing/mod.ts";
import { systemScheduler } from "../scheduler.ts";
import { HttpServer, type HttpServerOptions } from "./http_server.ts";

function listen(options: Partial<HttpServerOptions> = {}): HttpServer {
  return HttpServer.listen({
    hostname: "127.0.0.1",
    port: 0,
    handler: (request) =>
      new Response(
        `${request.method} ${new URL(request.url).pathname} ${request.headers.get("host")}`,
      ),
    scheduler: systemScheduler,
    log: silentLogger,
    ...options,
  });
}

async function exchange(address: string, text: string): Promise<string> {
  const conn = await Deno.connect(splitAddress(address));
  try {
    await conn.write(new TextEncoder().encode(text));
    return new TextDecoder().decode(await readAll(conn));
  } finally {
    closeQuietly(conn);
  }
}

Deno.test("HttpServer answers one request per connection, with a length and connection: close", async () => {
  await using server = listen();
  const response = await fetch(`http://${server.address}/statusz?x=1`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("connection"), "close");
  assert.equal(await response.text(), `GET /statusz ${server.address}`);
  const head = await fetch(`http://${server.address}/`, { method: "HEAD" });
  assert.equal(head.headers.get("content-length"), String(`HEAD / ${server.address}`.length));
  assert.equal(await head.text(), "");
});

Deno.test("HttpServer answers a malformed or oversized head with 400 or 431 and closes", async () => {
  await using server = listen({ maxHeadBytes: 100 });
  assert.match(
    await exchange(server.address, "NONSENSE\r\n\r\n"),
    /^HTTP\/1\.1 400 Bad Request\r\n/,
  );
  assert.match(
    await exchange(server.address, `GET / HTTP/1.1\r\nX: ${"a".repeat(300)}\r\n\r\n`),
    /^HTTP\/1\.1 431 /,
  );
});

Deno.test("HttpServer closes a client that does not finish its request head in time", async () => {
  await using server = listen({ headerTimeoutMs: 100 });
  const conn = await Deno.connect(splitAddress(server.address));
  try {
    await conn.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n"));
    const started = Date.now();
    assert.equal((await readAll(conn, 5_000)).length, 0, "closed without an answer");
    assert.ok(Date.now() - started >= 90, "not before the timeout");
  } finally {
    closeQuietly(conn);
  }
});

Deno.test("HttpServer closes connections beyond maxConnections at once, and counts them", async () => {
  await using server = listen({ maxConnections: 1 });
  const holder = await Deno.connect(splitAddress(server.address));
  try {
    await waitFor(async () => {
      const extra = await Deno.connect(splitAddress(server.address));
      await readAll(extra, 5_000).finally(() => closeQuietly(extra));
      return server.refused >= 1;
    }, { message: "a refused connection" });
  } finally {
    holder.close();
  }
});

Deno.test("HttpServer turns a handler that throws into a 500", async () => {
  await using server = listen({
    handler: () => {
      throw new Error("boom");
    },
  });
  const response = await fetch(`http://${server.address}/`);
  assert.equal(response.status, 500);
  await response.body?.cancel();
});
