import assert from "node:assert/strict";
import net from "node:net";
import { BufferPool } from "../proxy/mod.ts";
import { startSocketServer, waitFor } from "../testing/mod.ts";
import { tcpDialer } from "./dial.ts";
import { listenTcp } from "./listen.ts";
import type { TcpConnection } from "./tcp_connection.ts";
import { Relay, type RelayOutcome, type Side } from "./relay.ts";

const echo = (socket: net.Socket) => socket.pipe(socket);

/**
 * A proxy of one session at a time: listens, dials the backend for each
 * client and relays; `outcomes` resolve as relays end.
 */
async function startRelayProxy(
  backendPort: number,
  options: { onHalfClose?: (side: Side) => void } = {},
) {
  const pool = new BufferPool({ sizes: [16 * 1024, 64 * 1024] });
  // Counts what is lent and given back, by size.
  const lent = new Map<number, number>();
  const buffers = {
    sizes: pool.sizes,
    freeCount: () => pool.freeCount,
    borrow: (size: number) => {
      lent.set(size, (lent.get(size) ?? 0) + 1);
      return pool.borrow(size);
    },
    giveBack: (buffer: Uint8Array) => {
      lent.set(buffer.length, (lent.get(buffer.length) ?? 0) - 1);
      pool.giveBack(buffer);
    },
  };
  const dial = tcpDialer();
  const outcomes: Promise<RelayOutcome | undefined>[] = [];
  const relays: Relay[] = [];
  const connections: { client: TcpConnection; backend: TcpConnection }[] = [];
  const listener = await listenTcp({
    hostname: "127.0.0.1",
    port: 0,
    keepAliveMs: 15_000,
    onConnection: (client: TcpConnection) => {
      outcomes.push((async () => {
        const backend = await dial({
          hostname: "127.0.0.1",
          port: backendPort,
          signal: new AbortController().signal,
        });
        connections.push({ client, backend });
        const relay = new Relay(client, backend, {
          buffers,
          keepAliveMs: 15_000,
          ...(options.onHalfClose === undefined ? {} : { onHalfClose: options.onHalfClose }),
        });
        relays.push(relay);
        return await relay.run();
      })());
    },
  });
  return {
    port: listener.port,
    buffers,
    lent,
    outcomes,
    relays,
    connections,
    async [Symbol.asyncDispose]() {
      for (const relay of relays) relay.close();
      await Promise.allSettled(outcomes);
      await listener.close();
    },
  };
}

async function readToEnd(conn: Deno.Conn): Promise<{ bytes: Uint8Array; end: string }> {
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(64 * 1024);
  let end = "eof";
  try {
    while (true) {
      const count = await conn.read(buffer);
      if (count === null) break;
      chunks.push(buffer.slice(0, count));
    }
  } catch (error) {
    end = (error as Error).name;
  }
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return { bytes, end };
}

function pattern(size: number): Uint8Array {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + (i >> 8)) & 0xff;
  return data;
}

Deno.test("Relay copies 8 MiB both ways intact, passes the client's half-close on, steps up to the largest buffer and gives all back", async () => {
  await using backend = await startSocketServer(echo);
  await using proxy = await startRelayProxy(backend.port);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: proxy.port });
  const data = pattern(8 * 1024 * 1024);
  const reading = readToEnd(conn);
  let written = 0;
  while (written < data.length) written += await conn.write(data.subarray(written));
  await conn.closeWrite();
  const { bytes, end } = await reading;
  conn.close();
  assert.equal(end, "eof");
  assert.equal(bytes.length, data.length);
  assert.deepEqual(bytes, data);
  const outcome = await proxy.outcomes[0];
  assert.deepEqual(outcome, { first: "client", how: "eof" });
  const relay = proxy.relays[0] as Relay;
  assert.equal(relay.bytesUp, data.length);
  assert.equal(relay.bytesDown, data.length);
  assert.ok(proxy.buffers.freeCount() >= 1, "pooled buffers were borrowed and given back");
  assert.deepEqual(
    [...proxy.lent.values()],
    [0, 0],
    "both sizes were lent (16 KiB, then 64 KiB once reads filled it) and all given back",
  );
});

Deno.test("Relay forwards byte-exact while writes to both peers stay queued (12 MiB each way, no copy per read)", async () => {
  // The backend reads nothing until the proxy's writes to it are queued;
  // then it echoes, and the client reads nothing until the proxy's writes
  // to it are queued too. Reads go on meanwhile in both directions.
  let backendSocket: net.Socket | undefined;
  await using backend = await startSocketServer((socket) => {
    socket.pause();
    backendSocket = socket;
  });
  await using proxy = await startRelayProxy(backend.port);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: proxy.port });
  const data = pattern(12 * 1024 * 1024);
  const writing = (async () => {
    // Pieces of every size up to a few small buffers, so that reads are small too.
    let written = 0;
    for (let piece = 1; written < data.length; piece = (piece * 7 + 3) % 1_601 + 1) {
      written += await conn.write(data.subarray(written, written + piece));
    }
    await conn.closeWrite();
  })();
  const relay = await waitFor(() => proxy.relays[0], { message: "the session's relay" });
  await waitFor(() => relay.writeQueued("backend") || undefined, {
    message: "a queued write to the backend",
  });
  const echoing = await waitFor(() => backendSocket, { message: "the backend's socket" });
  echoing.pipe(echoing);
  await waitFor(() => relay.writeQueued("client") || undefined, {
    message: "a queued write to the client",
  });
  const received = new Uint8Array(data.length);
  const step = new Uint8Array(64 * 1024);
  let offset = 0;
  while (true) {
    const count = await conn.read(step);
    if (count === null) break;
    assert.ok(offset + count <= data.length, "more bytes than were sent");
    received.set(step.subarray(0, count), offset);
    offset += count;
  }
  await writing;
  conn.close();
  assert.equal(offset, data.length);
  const firstDiff = received.findIndex((byte, index) => byte !== data[index]);
  assert.equal(firstDiff, -1, `bytes differ from offset ${firstDiff}`);
  assert.deepEqual(await proxy.outcomes[0], { first: "client", how: "eof" });
});

Deno.test("Relay: a backend reset reaches the client as a reset, not as EOF", async () => {
  await using backend = await startSocketServer((socket) => {
    socket.write("partial reply\n", () => socket.resetAndDestroy());
  });
  await using proxy = await startRelayProxy(backend.port);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: proxy.port });
  const { bytes, end } = await readToEnd(conn);
  conn.close();
  assert.equal(new TextDecoder().decode(bytes), "partial reply\n");
  assert.equal(end, "ConnectionReset");
  const outcome = await proxy.outcomes[0];
  assert.equal(outcome?.first, "backend");
  assert.equal(outcome?.how, "reset");
});

Deno.test("Relay: a client reset reaches the backend as a reset", async () => {
  const seen = Promise.withResolvers<string>();
  await using backend = await startSocketServer((socket) => {
    socket.write("hello\n");
    socket.on("error", (error: NodeJS.ErrnoException) => seen.resolve(error.code ?? "error"));
    socket.on("end", () => seen.resolve("eof"));
  });
  await using proxy = await startRelayProxy(backend.port);
  const client = net.connect({ host: "127.0.0.1", port: proxy.port });
  client.on("error", () => {});
  await new Promise((resolve) => client.once("data", resolve));
  client.resetAndDestroy();
  assert.equal(await seen.promise, "ECONNRESET");
  const outcome = await proxy.outcomes[0];
  assert.equal(outcome?.first, "client");
  assert.equal(outcome?.how, "reset");
});

Deno.test("Relay reports the first half-close while the other direction goes on", async () => {
  const halfClosed: Side[] = [];
  let backendSocket: net.Socket | undefined;
  await using backend = await startSocketServer((socket) => {
    backendSocket = socket;
    socket.end("bye\n");
  });
  await using proxy = await startRelayProxy(backend.port, {
    onHalfClose: (side) => halfClosed.push(side),
  });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: proxy.port });
  const { bytes, end } = await readToEnd(conn);
  assert.equal(new TextDecoder().decode(bytes), "bye\n");
  assert.equal(end, "eof");
  assert.deepEqual(halfClosed, ["backend"]);
  // The client may still talk: the backend receives it after its own FIN.
  const received = new Promise<string>((resolve) => {
    let text = "";
    backendSocket?.on("data", (chunk) => (text += chunk));
    backendSocket?.on("end", () => resolve(text));
  });
  await conn.write(new TextEncoder().encode("still here"));
  await conn.closeWrite();
  assert.equal(await received, "still here");
  conn.close();
  assert.deepEqual(await proxy.outcomes[0], { first: "backend", how: "eof" });
});

Deno.test("Relay sets the keepalive idle time on both sockets (the client's inherited from the listener)", async () => {
  await using backend = await startSocketServer(echo);
  await using proxy = await startRelayProxy(backend.port);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: proxy.port });
  await conn.write(new TextEncoder().encode("x"));
  await conn.read(new Uint8Array(1));
  const local = (conn.localAddr as Deno.NetAddr).port;
  // `ss` shows a keepalive timer per socket; the proxy's two sockets of this session have one each.
  const timers = await waitFor(async () => {
    const { stdout } = await new Deno.Command("ss", {
      args: ["-tnoH", "state", "established"],
    }).output();
    const lines = new TextDecoder().decode(stdout).split("\n").filter((line) =>
      line.includes("keepalive") &&
      (line.includes(`127.0.0.1:${local} `) || line.includes(`127.0.0.1:${proxy.port} `) ||
        line.includes(`127.0.0.1:${backend.port}`))
    );
    return lines.length >= 2 ? lines : undefined;
  }, { message: "keepalive timers on the proxy's sockets" });
  // e.g. "timer:(keepalive,14sec,0)" — the kernel's default idle time would show as 119min.
  for (const line of timers) {
    const match = /keepalive,(\d+(?:\.\d+)?)(ms|sec|min)/.exec(line);
    assert.ok(match, line);
    const seconds = Number(match[1]) * ({ ms: 0.001, sec: 1, min: 60 } as const)[match[2] as "ms"];
    assert.ok(seconds <= 15, `keepalive idle ${seconds}s > 15s: ${line}`);
  }
  conn.close();
});
