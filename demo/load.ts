/**
 * The demo's clients: workers that keep opening sessions through the
 * sidecar, read which node greeted them, ping it for a few seconds, and
 * record how each session went. A quarter of them are pooled, like a
 * connection pool's: each holds its session until the sidecar ends it.
 * @module
 */

import { closeQuietly, connectIdentified } from "../src/testing/mod.ts";
import type { SessionRecord } from "./storyline.ts";

const PING = new TextEncoder().encode("ping\n");
/**
 * Shortest session; the longest is twice this. Long enough that sessions on
 * near are still open when failback starts (home's recovery is seen, then
 * `forcePromotionAfter` and a maintenance tick pass: 3–4 s), so the demo
 * shows them moved rather than ending on their own.
 */
const SESSION_MS = 5000;
/**
 * One worker in this many is pooled. Its session outlives any step, so
 * when home recovers some session is on near for failback to move, however
 * slowly a busy machine runs the storyline (the short sessions alone can
 * all end on their own first).
 */
const POOLED_EVERY = 4;

/** Runs `workers` clients against `address` until `signal` aborts. */
export async function runLoad(
  address: string,
  workers: number,
  records: SessionRecord[],
  signal: AbortSignal,
): Promise<void> {
  await Promise.all(
    Array.from(
      { length: workers },
      (_, i) => worker(address, records, signal, i % POOLED_EVERY === POOLED_EVERY - 1),
    ),
  );
}

async function worker(
  address: string,
  records: SessionRecord[],
  signal: AbortSignal,
  pooled: boolean,
): Promise<void> {
  while (!signal.aborted) {
    const record: SessionRecord = { startedAt: Date.now(), node: undefined };
    records.push(record);
    let conn: Deno.TcpConn | undefined;
    try {
      const identified = await connectIdentified(address);
      conn = identified.conn;
      (record as { node: string | undefined }).node = identified.name;
      const holdMs = pooled ? Infinity : SESSION_MS + Math.random() * SESSION_MS;
      record.interrupted = !(await hold(conn, holdMs, signal));
    } catch {
      // A failed connect: the record keeps node undefined.
    } finally {
      if (conn !== undefined) closeQuietly(conn);
      record.endedAt = Date.now();
    }
    await pause(record.node === undefined ? 200 : 50 + Math.random() * 100, signal);
  }
}

/** Pings every 250 ms for `ms`; false when the sidecar ended the session first. */
async function hold(conn: Deno.TcpConn, ms: number, signal: AbortSignal): Promise<boolean> {
  const until = Date.now() + ms;
  const reply = new Uint8Array(PING.length);
  while (Date.now() < until && !signal.aborted) {
    try {
      await conn.write(PING);
      let got = 0;
      while (got < reply.length) {
        const count = await conn.read(reply.subarray(got));
        if (count === null) return false;
        got += count;
      }
    } catch {
      return false;
    }
    await pause(250, signal);
  }
  return true;
}

/** Waits `ms`, or less when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
