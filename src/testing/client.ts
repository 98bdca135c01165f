/**
 * A test client: connect to an address, read an identify server's greeting,
 * exchange bytes.
 * @module
 */
import { closeQuietly } from "../net/mod.ts";

/** A client connection to an identify server, with the name it greeted with. */
export interface IdentifiedConn extends Disposable {
  readonly conn: Deno.TcpConn;
  readonly name: string;
}

/** Splits `host:port` (IPv6 bracketed) for `Deno.connect`. */
export function splitAddress(address: string): { hostname: string; port: number } {
  const colon = address.lastIndexOf(":");
  return {
    hostname: address.slice(0, colon).replace(/^\[|\]$/g, ""),
    port: Number(address.slice(colon + 1)),
  };
}

/** Reads one `\n`-terminated line, a byte at a time (greetings are short). */
export async function readLine(conn: Deno.Conn): Promise<string> {
  const byte = new Uint8Array(1);
  const bytes: number[] = [];
  while (true) {
    const count = await conn.read(byte);
    if (count === null) {
      throw new Error(`connection closed before a line (got "${String.fromCharCode(...bytes)}")`);
    }
    if (byte[0] === 10) return new TextDecoder().decode(new Uint8Array(bytes));
    bytes.push(byte[0] as number);
  }
}

/** Connects and reads the backend's greeting. */
export async function connectIdentified(address: string): Promise<IdentifiedConn> {
  const conn = await Deno.connect(splitAddress(address));
  try {
    const name = await readLine(conn);
    return { conn, name, [Symbol.dispose]: () => closeQuietly(conn) };
  } catch (error) {
    closeQuietly(conn);
    throw error;
  }
}

/**
 * Reads until EOF; returns everything read. Fails (closing `conn`) when EOF
 * has not come within `timeoutMs`, so a test waiting for a close cannot hang.
 */
export async function readAll(conn: Deno.Conn, timeoutMs = 10_000): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(64 * 1024);
  let total = 0;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    closeQuietly(conn);
  }, timeoutMs);
  try {
    while (true) {
      const count = await conn.read(buffer);
      if (count === null) break;
      chunks.push(buffer.slice(0, count));
      total += count;
    }
  } catch (error) {
    if (timedOut) throw new Error(`no EOF within ${timeoutMs}ms`);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

export { closeQuietly };
