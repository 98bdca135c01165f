/**
 * Test support for the socket tests: upstream servers that track their
 * connections, reads with deadlines, polling, and API calls. Only `_test.ts`
 * files import it.
 *
 * @module
 */
import { refusedPort, waitFor as waitUntil } from "../src/testing/mod.ts";
import { writeAll } from "../src/net/mod.ts";

/** An upstream TCP server on 127.0.0.1:0 that closes every connection it accepted on close. */
export interface Upstream extends AsyncDisposable {
  readonly port: number;
  readonly address: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

/** Starts an upstream that runs `serve` for each connection (the connection is closed after it). */
export function startUpstream(serve: (conn: Deno.Conn) => Promise<void>): Upstream {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();
  let accepted = 0;
  const loop = (async () => {
    try {
      for await (const conn of listener) {
        accepted++;
        conns.add(conn);
        const task = serve(conn).catch(() => {}).finally(() => {
          conns.delete(conn);
          try {
            conn.close();
          } catch { /* already closed */ }
          tasks.delete(task);
        });
        tasks.add(task);
      }
    } catch { /* listener closed */ }
  })();
  const port = (listener.addr as Deno.NetAddr).port;
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      listener.close();
      await loop;
      for (const conn of conns) {
        try {
          conn.close();
        } catch { /* already closed */ }
      }
      await Promise.all(tasks);
    })();
  return {
    port,
    address: `127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Echoes every byte back until EOF. */
export async function echo(conn: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(64 * 1024);
  while (true) {
    const n = await conn.read(buf);
    if (n === null) return;
    let off = 0;
    while (off < n) off += await conn.write(buf.subarray(off, n));
  }
}

/** Runs `work` on `conn`; past the deadline the connection is closed and this throws. */
export async function withDeadline<T>(conn: Deno.Conn, ms: number, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      try {
        conn.close();
      } catch { /* already closed */ }
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads exactly `n` bytes (throws on EOF or past the deadline). */
export function readExactly(conn: Deno.Conn, n: number, deadlineMs = 5000): Promise<Uint8Array> {
  return withDeadline(
    conn,
    deadlineMs,
    (async () => {
      const out = new Uint8Array(n);
      let got = 0;
      while (got < n) {
        const r = await conn.read(out.subarray(got));
        if (r === null) throw new Error(`EOF after ${got} of ${n} bytes`);
        got += r;
      }
      return out;
    })(),
  );
}

/** How a read loop ended: the bytes read, and `eof` or the error that ended it. */
export interface ReadEnd {
  readonly data: Uint8Array;
  readonly end: "eof" | "reset" | "error";
  readonly error?: unknown;
  /** How many reads returned data. */
  readonly reads: number;
}

/** Reads until EOF or an error such as ECONNRESET, within the deadline. */
export function readToEnd(conn: Deno.Conn, deadlineMs = 5000): Promise<ReadEnd> {
  return withDeadline(
    conn,
    deadlineMs,
    (async (): Promise<ReadEnd> => {
      const parts: Uint8Array[] = [];
      const buf = new Uint8Array(64 * 1024);
      let reads = 0;
      const join = () => {
        const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
        let off = 0;
        for (const p of parts) {
          out.set(p, off);
          off += p.length;
        }
        return out;
      };
      while (true) {
        let n: number | null;
        try {
          n = await conn.read(buf);
        } catch (error) {
          const end = error instanceof Deno.errors.ConnectionReset ? "reset" : "error";
          return { data: join(), end, error, reads };
        }
        if (n === null) return { data: join(), end: "eof", reads };
        reads++;
        parts.push(buf.slice(0, n));
      }
    })(),
  );
}

/** Polls `condition` until it holds, or fails after `timeoutMs` (the project's `waitFor`). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  message: string,
  timeoutMs = 3000,
): Promise<void> {
  await waitUntil(condition, { timeoutMs, intervalMs: 5, message });
}

/** Connects to 127.0.0.1:port. */
export function connect(port: number): Promise<Deno.TcpConn> {
  return Deno.connect({ hostname: "127.0.0.1", port });
}

/** True when a connect to the port is refused. */
export async function refuses(port: number): Promise<boolean> {
  try {
    const conn = await connect(port);
    conn.close();
    return false;
  } catch (error) {
    return error instanceof Deno.errors.ConnectionRefused;
  }
}

/** The port of a `host:port` listen string. */
export function portOf(listen: string): number {
  return Number(listen.slice(listen.lastIndexOf(":") + 1));
}

/** A port that was free a moment ago (bound on 0, then released). */
export const freePort = refusedPort;

/** A JSON API reply. */
export interface ApiReply {
  readonly status: number;
  // deno-lint-ignore no-explicit-any
  readonly json: any;
  readonly text: string;
}

/** Calls the API over HTTP with fetch. */
export async function api(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiReply> {
  const init: RequestInit = { method };
  if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** Bytes 0..n-1 with a repeating, position-dependent pattern, to spot reordering. */
export function pattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + (i >> 8)) & 0xff;
  return out;
}

export { writeAll };
