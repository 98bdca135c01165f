/**
 * TLS on the protocol sessions' node:net sockets: a backend asked with
 * SSLRequest, verified against a test CA (verify-full checks the name,
 * require does not), a refusal, a reset under TLS seen as a reset, and a
 * client's TLS terminated with a configured certificate.
 */

import assert from "node:assert/strict";
import net from "node:net";
import tls from "node:tls";
import { SocketConn } from "../net/mod.ts";
import { BackendTlsError } from "../protocol/mod.ts";
import { makeTestCa, startSocketServer, type TestCa } from "../testing/mod.ts";
import { acceptClientTls, connectBackendTls } from "./stream_tls.ts";

async function testCa(): Promise<TestCa & { cert: string; key: string }> {
  const ca = await makeTestCa(await Deno.makeTempDir({ prefix: "iaido-tls-" }));
  return {
    ...ca,
    cert: await Deno.readTextFile(ca.serverCertFile),
    key: await Deno.readTextFile(ca.serverKeyFile),
  };
}

/** A backend that answers SSLRequest with `answer`, then (for 'S') runs TLS and `behaviour`. */
function tlsBackend(
  ca: { cert: string; key: string },
  behaviour: (secure: tls.TLSSocket, raw: net.Socket) => void,
  answer = "S",
) {
  return startSocketServer((raw) => {
    raw.once("data", () => {
      raw.pause(); // The ClientHello waits for the TLS socket, not a flowing stream with no reader.
      raw.write(answer);
      if (answer !== "S") return;
      const secure = new tls.TLSSocket(raw, {
        isServer: true,
        secureContext: tls.createSecureContext({ cert: ca.cert, key: ca.key }),
      });
      secure.on("error", () => {});
      secure.once("secure", () => behaviour(secure, raw));
    });
  });
}

async function dial(port: number): Promise<SocketConn> {
  const socket = net.connect({ host: "127.0.0.1", port, allowHalfOpen: true });
  await new Promise((resolve) => socket.once("connect", resolve));
  return new SocketConn(socket);
}

Deno.test("connectBackendTls: verify-full against the test CA, then bytes both ways", async () => {
  const ca = await testCa();
  await using backend = await tlsBackend(ca, (secure) => secure.on("data", (d) => secure.write(d)));
  const conn = await connectBackendTls(await dial(backend.port), {
    mode: "verify-full",
    caCerts: [ca.caCertPem],
    serverName: "localhost",
  });
  await conn.write(new TextEncoder().encode("ping"));
  assert.equal(new TextDecoder().decode((await conn.readChunk()) ?? undefined), "ping");
  conn.close();
});

Deno.test("connectBackendTls: verify-full refuses a certificate for another name; require takes it", async () => {
  const ca = await testCa();
  await using backend = await tlsBackend(ca, () => {});
  const wrong = { caCerts: [ca.caCertPem], serverName: "db.example.com" };
  await assert.rejects(
    async () =>
      await connectBackendTls(await dial(backend.port), { mode: "verify-full", ...wrong }),
    BackendTlsError,
  );
  const conn = await connectBackendTls(await dial(backend.port), { mode: "require", ...wrong });
  conn.close();
});

Deno.test("connectBackendTls: a backend that answers N refuses TLS", async () => {
  const ca = await testCa();
  await using backend = await tlsBackend(ca, () => {}, "N");
  const raw = await dial(backend.port);
  await assert.rejects(
    () => connectBackendTls(raw, { mode: "verify-full", caCerts: [], serverName: "localhost" }),
    /refused TLS/,
  );
  raw.close();
});

Deno.test("connectBackendTls: a reset under TLS ends the conn as a reset, told once", async () => {
  const ca = await testCa();
  await using backend = await tlsBackend(ca, (secure, raw) => {
    secure.once("data", () => secure.write("x", () => raw.resetAndDestroy()));
  });
  const conn = await connectBackendTls(await dial(backend.port), {
    mode: "verify-full",
    caCerts: [ca.caCertPem],
    serverName: "127.0.0.1",
  });
  const told: string[] = [];
  conn.onAbortive = (how) => told.push(how);
  await conn.write(new TextEncoder().encode("go"));
  assert.equal(await conn.flow(() => {}), "error");
  assert.equal(conn.ended, "reset");
  assert.deepEqual(told, ["reset"]);
  conn.close();
});

Deno.test("acceptClientTls: terminates a client's TLS with the configured certificate", async () => {
  const ca = await testCa();
  const accepted = Promise.withResolvers<SocketConn>();
  await using server = await startSocketServer((raw) => {
    acceptClientTls(new SocketConn(raw), ca).then(accepted.resolve, accepted.reject);
  });
  const client = tls.connect({ host: "127.0.0.1", port: server.port, ca: [ca.caCertPem] });
  client.on("error", () => {});
  await new Promise((resolve) => client.once("secureConnect", resolve));
  const conn = await accepted.promise;
  client.write("hello");
  assert.equal(new TextDecoder().decode((await conn.readChunk()) ?? undefined), "hello");
  conn.close();
  client.destroy();
});
