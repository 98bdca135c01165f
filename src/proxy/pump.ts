/**
 * One direction of a session: read from one socket, write to the other,
 * pass the half-close on. A read/write loop rather than stream piping,
 * because Deno's `conn.readable` closes the whole socket at EOF.
 * @module
 */

import type { BufferPool } from "./buffer_pool.ts";
import { writeAll } from "../net/mod.ts";

/** How a direction ended: the source sent EOF, or a socket failed. */
export type PumpEnd = "eof" | "error";

/** Per-direction counters the session and diagnostics read. */
export interface PumpStats {
  /** Bytes forwarded so far. */
  bytes: number;
}

/** The small buffer each direction owns (for idle connections, it is all they hold). */
export const SMALL_BUFFER_SIZE = 512;

/**
 * Copies `from` → `to` until EOF or an error. At EOF it half-closes `to`
 * (`closeWrite`) so the peer sees the end while the other direction goes
 * on. A read that fills the small buffer switches to a pooled large one
 * until reads come back small again.
 */
export async function pump(
  from: Deno.Conn,
  to: Deno.Conn,
  pool: BufferPool,
  stats: PumpStats,
): Promise<PumpEnd> {
  const small = new Uint8Array(SMALL_BUFFER_SIZE);
  let large: Uint8Array | undefined;
  try {
    while (true) {
      const buffer = large ?? small;
      const count = await from.read(buffer);
      if (count === null) break;
      await writeAll(to, count === buffer.length ? buffer : buffer.subarray(0, count));
      stats.bytes += count;
      if (large === undefined && count === small.length) {
        large = pool.borrow();
      } else if (large !== undefined && count < SMALL_BUFFER_SIZE) {
        pool.giveBack(large);
        large = undefined;
      }
    }
  } catch {
    return "error";
  } finally {
    if (large !== undefined) pool.giveBack(large);
  }
  try {
    await to.closeWrite();
  } catch {
    // The peer is already gone; the other direction will notice.
  }
  return "eof";
}
