import assert from "node:assert/strict";
import net from "node:net";
import { refusedPort, startSocketServer } from "../testing/mod.ts";
import { tcpDialer } from "./dial.ts";
import { handleError } from "./stream_handles.ts";
import type { TcpConnection } from "./tcp_connection.ts";

const never = () => new AbortController().signal;

function closed(connection: TcpConnection): Promise<void> {
  const { promise, resolve } = Promise.withResolvers<void>();
  connection.whenClosed(resolve);
  connection.close();
  return promise;
}

Deno.test("tcpDialer connects a bare handle that knows its peer, and a name is looked up first", async () => {
  await using server = await startSocketServer((socket) => socket.end());
  const dial = tcpDialer();
  for (const hostname of ["127.0.0.1", "localhost"]) {
    const connection = await dial({ hostname, port: server.port, signal: never() });
    const peer = connection.peer();
    assert.equal(peer?.port, server.port, hostname);
    assert.ok(net.isIP(peer?.address ?? ""), `${hostname}: peer address ${peer?.address}`);
    await closed(connection);
    assert.equal(connection.peer(), undefined, "a closed connection has no peer");
  }
});

Deno.test("tcpDialer: a refused dial fails with node's code and the address", async () => {
  const port = refusedPort();
  const failure = await tcpDialer()({ hostname: "127.0.0.1", port, signal: never() }).then(
    () => undefined,
    (error: Error & { code?: string }) => error,
  );
  assert.equal(failure?.code, "ECONNREFUSED");
  assert.equal(failure?.message, `connect ECONNREFUSED 127.0.0.1:${port}`);
});

Deno.test("tcpDialer: an aborted dial rejects with an AbortError", async () => {
  await using server = await startSocketServer(() => {});
  const abort = new AbortController();
  abort.abort();
  await assert.rejects(
    tcpDialer()({ hostname: "127.0.0.1", port: server.port, signal: abort.signal }),
    { name: "AbortError" },
  );
});

Deno.test("whenClosed runs once the descriptor is gone, or at once when it already is", async () => {
  await using server = await startSocketServer(() => {});
  const connection = await tcpDialer()({
    hostname: "127.0.0.1",
    port: server.port,
    signal: never(),
  });
  await closed(connection);
  assert.ok(connection.closed);
  let called = false;
  connection.whenClosed(() => called = true);
  assert.ok(called, "a waiter after the close is called at once");
  connection.reset(); // A second end is a no-op, not a throw.
});

Deno.test("handleError names a status the way node does", () => {
  const error = handleError(-104, "read");
  assert.equal(error.code, "ECONNRESET");
  assert.equal(error.syscall, "read");
  assert.equal(error.message, "read ECONNRESET");
});

Deno.test("tcpDialer dials an IPv6 address", async () => {
  const server = net.createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, "::1", resolve));
  try {
    const { port } = server.address() as net.AddressInfo;
    const connection = await tcpDialer()({ hostname: "::1", port, signal: never() });
    assert.deepEqual(connection.peer(), { address: "::1", port });
    await closed(connection);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
