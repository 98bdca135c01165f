/**
 * A backend node that says who it is: writes `region/node\n` on every
 * connection, then echoes. Binds any loopback address (127.0.0.2 for DNS
 * answers), so a client knows which region and node served it.
 * @module
 */

/** A running identify server. */
export interface IdentifyServer extends AsyncDisposable {
  readonly id: string;
  readonly hostname: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections open now. */
  readonly open: number;
  close(): Promise<void>;
}

/** Starts an identify server for `id` on `hostname:port` (port 0: any). */
export function startIdentifyServer(
  id: string,
  { hostname = "127.0.0.1", port = 0 }: { hostname?: string; port?: number } = {},
): IdentifyServer {
  const listener = Deno.listen({ hostname, port });
  const greeting = new TextEncoder().encode(`${id}\n`);
  const conns = new Set<Deno.Conn>();
  const handlers = new Set<Promise<void>>();
  let accepted = 0;

  const serve = async (conn: Deno.Conn) => {
    const buffer = new Uint8Array(64 * 1024);
    try {
      (conn as Deno.TcpConn).setNoDelay(true);
      await conn.write(greeting);
      while (true) {
        const count = await conn.read(buffer);
        if (count === null) break;
        let written = 0;
        while (written < count) written += await conn.write(buffer.subarray(written, count));
      }
      await conn.closeWrite();
    } catch {
      // Client gone or server closing.
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    }
  };

  const acceptLoop = (async () => {
    try {
      for await (const conn of listener) {
        accepted++;
        conns.add(conn);
        const handler = serve(conn).finally(() => handlers.delete(handler));
        handlers.add(handler);
      }
    } catch {
      // Listener closed.
    }
  })();

  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      try {
        listener.close();
      } catch {
        // Already closed.
      }
      await acceptLoop;
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
      await Promise.allSettled([...handlers]);
    })();

  return {
    id,
    hostname,
    port: (listener.addr as Deno.NetAddr).port,
    get accepted() {
      return accepted;
    },
    get open() {
      return conns.size;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
