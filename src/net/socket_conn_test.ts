/**
 * `SocketConn` over real loopback sockets: reads split and keep the rest,
 * a FIN reads as the end, a peer's reset as a reset (told once, and thrown
 * by the next read), a reset sent reaches the peer as one, and flow mode
 * hands on each read as it comes.
 */

import assert from "node:assert/strict";
import net from "node:net";
import { startSocketServer, waitFor } from "../testing/mod.ts";
import { SocketConn } from "./socket_conn.ts";

async function connect(port: number): Promise<SocketConn> {
  const socket = net.connect({ host: "127.0.0.1", port, allowHalfOpen: true });
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return new SocketConn(socket);
}

Deno.test("SocketConn: a read takes what fits and keeps the rest; a FIN reads as null", async () => {
  await using server = await startSocketServer((socket) => socket.end("hello world"));
  const conn = await connect(server.port);
  const buffer = new Uint8Array(5);
  const words: string[] = [];
  for (let count = await conn.read(buffer); count !== null; count = await conn.read(buffer)) {
    words.push(new TextDecoder().decode(buffer.subarray(0, count)));
  }
  assert.equal(words.join(""), "hello world");
  assert.equal(words[0], "hello", "the first read filled the buffer");
  assert.equal(conn.ended, "eof");
  conn.close();
});

Deno.test("SocketConn: a peer's reset is told once as 'reset', and the next read throws ECONNRESET", async () => {
  await using server = await startSocketServer((socket) =>
    socket.write("x", () => socket.resetAndDestroy())
  );
  const conn = await connect(server.port);
  const told: string[] = [];
  conn.onAbortive = (how) => told.push(how);
  assert.equal(new TextDecoder().decode((await conn.readChunk()) ?? undefined), "x");
  await assert.rejects(() => conn.readChunk(), (error: Error & { code?: string }) => {
    assert.equal(error.code, "ECONNRESET");
    return true;
  });
  assert.deepEqual(told, ["reset"]);
  assert.equal(conn.ended, "reset");
  conn.close();
});

Deno.test("SocketConn: reset() reaches the peer as a reset, not a FIN", async () => {
  const seen = Promise.withResolvers<string>();
  await using server = await startSocketServer((socket) => {
    socket.on("error", (error: Error & { code?: string }) => seen.resolve(error.code ?? "?"));
    socket.on("end", () => seen.resolve("eof"));
    socket.write("ready");
  });
  const conn = await connect(server.port);
  await conn.readChunk();
  conn.reset();
  assert.equal(await seen.promise, "ECONNRESET");
});

Deno.test("SocketConn: writes hand bytes on in order; closeWrite sends a FIN after them", async () => {
  const received = Promise.withResolvers<string>();
  await using server = await startSocketServer((socket) => {
    let text = "";
    socket.on("data", (chunk) => text += chunk);
    socket.on("end", () => received.resolve(text));
  });
  const conn = await connect(server.port);
  const big = new Uint8Array(1 << 20).fill(0x61);
  await conn.write(new TextEncoder().encode("<"));
  await conn.write(big);
  await conn.write(new TextEncoder().encode(">"));
  await conn.closeWrite();
  const text = await received.promise;
  assert.equal(text.length, big.length + 2);
  assert.ok(text.startsWith("<a") && text.endsWith("a>"));
  conn.close();
});

Deno.test("SocketConn: flow() hands on what was queued first, then each read, and resolves at the FIN", async () => {
  await using server = await startSocketServer((socket) => {
    socket.write("one");
    socket.once("data", () => socket.end("two"));
  });
  const conn = await connect(server.port);
  // Read (and so queued): a flowing socket emits each read as it counts it.
  await waitFor(() => (conn.socket as net.Socket).bytesRead === 3);
  const seen: string[] = [];
  const ended = conn.flow((chunk) => seen.push(new TextDecoder().decode(chunk)));
  await conn.write(new TextEncoder().encode("go"));
  assert.equal(await ended, "eof");
  assert.deepEqual(seen, ["one", "two"]);
  conn.close();
});

Deno.test("SocketConn: flow() resolves 'error' when the peer resets", async () => {
  await using server = await startSocketServer((socket) =>
    socket.write("x", () => socket.resetAndDestroy())
  );
  const conn = await connect(server.port);
  const seen: number[] = [];
  assert.equal(await conn.flow((chunk) => seen.push(chunk.length)), "error");
  assert.equal(conn.ended, "reset");
  conn.close();
});
