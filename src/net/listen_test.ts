import assert from "node:assert/strict";
import net from "node:net";
import { waitFor } from "../testing/mod.ts";
import { listenTcp } from "./listen.ts";
import type { TcpConnection } from "./tcp_connection.ts";

/** The keepalive timer `ss` shows for the socket with local port `port` and peer port `peer`. */
async function keepAliveTimer(port: number, peer: number): Promise<string | undefined> {
  const { stdout } = await new Deno.Command("ss", { args: ["-tnoH", "state", "established"] })
    .output();
  const line = new TextDecoder().decode(stdout).split("\n").find((row) => {
    const [, , local, remote] = row.trim().split(/\s+/);
    return local === `127.0.0.1:${port}` && remote === `127.0.0.1:${peer}`;
  });
  if (line === undefined) return undefined;
  return /timer:\(keepalive,[^)]*\)/.exec(line)?.[0] ?? "none";
}

Deno.test("accepted sockets inherit the listener's keepalive, and a new keepalive applies to later ones", async () => {
  const accepted: TcpConnection[] = [];
  const listener = await listenTcp({
    hostname: "127.0.0.1",
    port: 0,
    keepAliveMs: 7_000,
    onConnection: (connection) => accepted.push(connection),
  });
  const clients: net.Socket[] = [];
  const connect = async () => {
    const client = net.connect({ host: "127.0.0.1", port: listener.port });
    clients.push(client);
    await new Promise((resolve) => client.once("connect", resolve));
    const connection = await waitFor(() => accepted[clients.length - 1], {
      message: "the accepted socket",
    });
    return { client, connection };
  };
  try {
    const first = await connect();
    assert.equal(first.connection.keepAliveMs, 7_000);
    const timer = await waitFor(() => keepAliveTimer(listener.port, first.client.localPort!), {
      message: "the accepted socket in ss",
    });
    // e.g. "timer:(keepalive,6.9sec,0)"; without the listener's setting it would be 119min.
    const match = /keepalive,(\d+(?:\.\d+)?)(ms|sec|min)/.exec(timer);
    assert.ok(match, `a keepalive timer inherited from the listener, got ${timer}`);
    const seconds = Number(match[1]) * ({ ms: 0.001, sec: 1, min: 60 } as const)[match[2] as "ms"];
    assert.ok(seconds <= 7, `keepalive idle ${seconds}s > 7s: ${timer}`);

    listener.setKeepAlive(0);
    const second = await connect();
    assert.equal(second.connection.keepAliveMs, 0);
    const none = await waitFor(() => keepAliveTimer(listener.port, second.client.localPort!), {
      message: "the second accepted socket in ss",
    });
    assert.equal(none, "none");
  } finally {
    for (const client of clients) client.destroy();
    for (const connection of accepted) connection.close();
    await listener.close();
  }
});
