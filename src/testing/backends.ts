/**
 * Test backends on 127.0.0.1:0: echo, and "identify" (says its name first,
 * then echoes), each counting its connections and closing cleanly.
 * @module
 */

/** A running test server. */
export interface TestServer extends AsyncDisposable {
  readonly name: string;
  readonly port: number;
  /** Connections open right now. */
  readonly open: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Stops listening and closes every connection; resolves when really closed. */
  close(): Promise<void>;
}

/** Options for `startTestServer`. */
export interface TestServerOptions {
  /** Sent first on every connection, then a newline. @default nothing */
  readonly greeting?: string;
  /** Port to bind. @default 0 */
  readonly port?: number;
  /** Loopback address to bind. @default "127.0.0.1" */
  readonly hostname?: string;
}

/**
 * Starts a server that echoes everything back and half-closes when the
 * client does (so a client that shuts its write side gets the whole echo).
 */
export function startTestServer(name: string, options: TestServerOptions = {}): TestServer {
  const listener = Deno.listen({
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port ?? 0,
  });
  const conns = new Set<Deno.Conn>();
  const handlers = new Set<Promise<void>>();
  let accepted = 0;
  const greeting = options.greeting === undefined
    ? undefined
    : new TextEncoder().encode(`${options.greeting}\n`);

  const serve = async (conn: Deno.Conn) => {
    const buffer = new Uint8Array(64 * 1024);
    try {
      (conn as Deno.TcpConn).setNoDelay(true);
      if (greeting !== undefined) await conn.write(greeting);
      while (true) {
        const count = await conn.read(buffer);
        if (count === null) break;
        let written = 0;
        while (written < count) written += await conn.write(buffer.subarray(written, count));
      }
      await conn.closeWrite();
    } catch {
      // The client went away, or the server is closing.
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch {
        // Already closed by close().
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
  const close = () => {
    closing ??= (async () => {
      listener.close();
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
    return closing;
  };

  return {
    name,
    port: (listener.addr as Deno.NetAddr).port,
    get open() {
      return conns.size;
    },
    get accepted() {
      return accepted;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A port that refuses connections: bound once, then released. */
export function refusedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
