/**
 * Faults through `protocol: postgres` and `protocol: redis` frontends, with
 * the real CLI: a backend reset reaches the client as a reset (not EOF), a
 * client reset resets the backend, a half-closed session ends after
 * `halfCloseTimeout`, and keepalive is on for both of a session's sockets
 * (the kernel's keepalive timer in /proc/net/tcp). The backends are small
 * node:net servers that speak just enough of each protocol.
 * @module
 */

import assert from "node:assert/strict";
import net from "node:net";
import tls from "node:tls";
import { startupMessage, typed } from "../src/protocol/mod.ts";
import {
  makeTestCa,
  type RunningCli,
  splitAddress,
  startSocketServer,
  waitFor,
} from "../src/testing/mod.ts";
import { frontendConfig, startWithConfig, tier } from "./helpers.ts";

const PING = new TextEncoder().encode("*1\r\n$4\r\nPING\r\n");

/** A redis frontend in front of `port`, with `extra` frontend fields. */
function redisConfig(port: number, extra: Record<string, unknown> = {}) {
  return frontendConfig([tier([port])], { protocol: "redis", ...extra });
}

/** A node:net client of `address`; resolves once it is connected. */
async function nodeClient(address: string): Promise<net.Socket> {
  const { hostname, port } = splitAddress(address);
  const socket = net.connect({ host: hostname, port, allowHalfOpen: true });
  socket.on("error", () => {});
  await new Promise((resolve) => socket.once("connect", resolve));
  return socket;
}

/** How `socket` ends: "eof" or its error code. */
function endOf(socket: net.Socket): Promise<string> {
  socket.resume(); // 'end' comes only once what was read is consumed.
  return new Promise((resolve) => {
    socket.on("error", (error: Error & { code?: string }) => resolve(error.code ?? "error"));
    socket.on("end", () => resolve("eof"));
  });
}

Deno.test("redis frontend: a backend reset reaches the client as ECONNRESET, and is logged as one", async () => {
  await using backend = await startSocketServer((socket) =>
    socket.once("data", () => socket.write("+PONG\r\n", () => socket.resetAndDestroy()))
  );
  const { cli, address } = await startWithConfig(redisConfig(backend.port));
  await using _cli = cli;
  const client = await Deno.connect(splitAddress(address));
  try {
    await client.write(PING);
    const buffer = new Uint8Array(16);
    assert.equal(await client.read(buffer), 7);
    await assert.rejects(() => client.read(buffer), Deno.errors.ConnectionReset);
  } finally {
    client.close();
  }
  await cli.waitForOutput(/session ended .*how="backend reset"/);
});

/**
 * Just enough PostgreSQL: take the startup, say AuthenticationOk and
 * ReadyForQuery, then hand each query to `onQuery`. Every connection's end
 * (the health checks' too, which end with a FIN) goes into `ends`.
 */
function fakePostgres(onQuery: (socket: net.Socket) => void, ends: string[] = []) {
  return startSocketServer((socket) => {
    void endOf(socket).then((end) => ends.push(end));
    speakPostgres(socket, () => onQuery(socket));
  });
}

/** Answers the startup on `socket` (AuthenticationOk, ReadyForQuery); then each query is `onQuery`. */
function speakPostgres(socket: net.Socket | tls.TLSSocket, onQuery: () => void): void {
  let seen = 0;
  socket.on("data", () => {
    if (seen++ > 0) return onQuery();
    socket.write(Uint8Array.of(0x52, 0, 0, 0, 8, 0, 0, 0, 0)); // AuthenticationOk
    socket.write(typed("Z", Uint8Array.of(0x49))); // ReadyForQuery 'I'
  });
}

/** Logs in to a postgres frontend at `address` (startup to ReadyForQuery). */
async function pgLogin(address: string): Promise<Deno.TcpConn> {
  const client = await Deno.connect(splitAddress(address));
  await client.write(startupMessage({ user: "app", database: "app" }));
  const buffer = new Uint8Array(64);
  let got = 0;
  while (got < 15) got += (await client.read(buffer.subarray(got))) ?? assert.fail("EOF");
  return client;
}

const SELECT_1 = typed("Q", new TextEncoder().encode("SELECT 1\0"));

/** Logs in, sends a query, and expects its reply cut off by a reset, logged as the backend's. */
async function queryMeetsReset(cli: RunningCli, address: string): Promise<void> {
  const client = await pgLogin(address);
  try {
    await client.write(SELECT_1);
    const buffer = new Uint8Array(64);
    await assert.rejects(async () => {
      while (await client.read(buffer) !== null) { /* the half reply */ }
    }, Deno.errors.ConnectionReset);
  } finally {
    client.close();
  }
  await cli.waitForOutput(/session ended .*how="backend reset"/);
}

Deno.test("postgres frontend: a backend reset mid-reply reaches the client as ECONNRESET", async () => {
  // Half a RowDescription, then a reset.
  await using backend = await fakePostgres((socket) =>
    socket.write(typed("T", new Uint8Array(2)).subarray(0, 4), () => socket.resetAndDestroy())
  );
  const { cli, address } = await startWithConfig(
    frontendConfig([tier([backend.port])], { protocol: "postgres" }),
  );
  await using _cli = cli;
  await queryMeetsReset(cli, address);
});

Deno.test("postgres frontend with TLS to the backend: a backend reset under TLS reaches the client as ECONNRESET", async () => {
  const ca = await makeTestCa(await Deno.makeTempDir({ prefix: "iaido-tls-" }));
  const identity = {
    cert: await Deno.readTextFile(ca.serverCertFile),
    key: await Deno.readTextFile(ca.serverKeyFile),
  };
  // SSLRequest answered 'S', TLS, the startup; a query gets half a reply, then a reset.
  await using backend = await startSocketServer((raw) => {
    raw.once("data", () => {
      raw.pause(); // The ClientHello waits for the TLS socket, not a flowing stream with no reader.
      raw.write("S");
      const secure = new tls.TLSSocket(raw, {
        isServer: true,
        secureContext: tls.createSecureContext(identity),
      });
      secure.on("error", () => {});
      speakPostgres(secure, () => {
        secure.write(typed("T", new Uint8Array(2)).subarray(0, 4), () => raw.resetAndDestroy());
      });
    });
  });
  const { cli, address } = await startWithConfig(
    frontendConfig([tier([backend.port])], {
      protocol: "postgres",
      postgres: { tls: { mode: "verify-full", caCerts: [ca.caCertFile] } },
    }),
  );
  await using _cli = cli;
  await queryMeetsReset(cli, address);
});

Deno.test("postgres frontend: a client reset mid-query reaches the backend as ECONNRESET", async () => {
  const ends: string[] = [];
  const queried = Promise.withResolvers<void>();
  await using backend = await fakePostgres(() => queried.resolve(), ends);
  const { cli, address } = await startWithConfig(
    frontendConfig([tier([backend.port])], { protocol: "postgres" }),
  );
  await using _cli = cli;
  const { hostname, port } = splitAddress(address);
  const client = net.connect({ host: hostname, port });
  client.on("error", () => {});
  await new Promise((resolve) => client.once("connect", resolve));
  client.write(startupMessage({ user: "app", database: "app" }));
  await new Promise((resolve) => client.once("data", resolve));
  client.write(SELECT_1);
  await queried.promise;
  client.resetAndDestroy();
  await cli.waitForOutput(/session ended .*how="client reset"/);
  await waitFor(() => ends.includes("ECONNRESET"), { message: "the backend sees a reset" });
});

Deno.test("redis frontend: a client reset reaches the backend as ECONNRESET", async () => {
  // Every connection's end, the health checks' included (they end with a FIN).
  const ends: string[] = [];
  await using backend = await startSocketServer((socket) => {
    void endOf(socket).then((end) => ends.push(end));
    socket.on("data", () => socket.write("+PONG\r\n"));
  });
  const { cli, address } = await startWithConfig(redisConfig(backend.port));
  await using _cli = cli;
  const client = await nodeClient(address);
  client.write(PING);
  await new Promise((resolve) => client.once("data", resolve));
  client.resetAndDestroy();
  await cli.waitForOutput(/session ended .*how="client reset"/);
  await waitFor(() => ends.includes("ECONNRESET"), { message: "the backend sees a reset" });
});

Deno.test("redis frontend: a half-closed session ends after halfCloseTimeout", async () => {
  // The backend answers and half-closes; the client never finishes its side.
  await using backend = await startSocketServer((socket) =>
    socket.once("data", () => socket.end("+PONG\r\n"))
  );
  const { cli, address } = await startWithConfig(
    redisConfig(backend.port, { halfCloseTimeout: "300ms" }),
  );
  await using _cli = cli;
  const client = await nodeClient(address);
  const ended = endOf(client);
  client.write(PING);
  assert.equal(await ended, "eof", "the backend's FIN reached the client");
  await cli.waitForOutput(/session ended .*how="half-close timeout"/);
  client.destroy();
});

/** /proc/net/tcp(6) rows: ports, state (1 = established), the timer armed (2 = keepalive). */
async function tcpRows(): Promise<
  { local: number; remote: number; state: number; timer: number }[]
> {
  const rows = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = await Deno.readTextFile(file).catch(() => "");
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 6) continue;
      const port = (address: string) => parseInt(address.split(":")[1] as string, 16);
      rows.push({
        local: port(fields[1] as string),
        remote: port(fields[2] as string),
        state: parseInt(fields[3] as string, 16),
        timer: parseInt((fields[5] as string).split(":")[0] as string, 16),
      });
    }
  }
  return rows;
}

Deno.test("redis frontend: keepalive is armed on both sockets of an idle session", async () => {
  await using backend = await startSocketServer((socket) =>
    socket.on("data", () => socket.write("+PONG\r\n"))
  );
  const { cli, address } = await startWithConfig(redisConfig(backend.port, { keepAlive: "5s" }));
  await using _cli = cli;
  const frontendPort = splitAddress(address).port;
  const client = await nodeClient(address);
  client.write(PING);
  await new Promise((resolve) => client.once("data", resolve));
  // The sidecar's two sockets: the one it accepted (local port = the frontend's) and the
  // one it dialled (remote port = the backend's). Neither test end sets keepalive.
  await waitFor(async () => {
    const rows = await tcpRows();
    const accepted = rows.find((row) =>
      row.local === frontendPort && row.remote === client.localPort
    );
    // Not the health checks' connections, which have ended by now.
    const dialled = rows.filter((row) => row.remote === backend.port && row.state === 1);
    return accepted?.timer === 2 && dialled.length === 1 && dialled[0]?.timer === 2;
  }, { message: "both of the sidecar's sockets have their keepalive timer armed" });
  client.destroy();
});
