/**
 * One direction of a protocol-aware session: the plain copy loop of
 * `pump.ts`, plus a look at each chunk (framing only) before it is
 * forwarded or after it is delivered. A separate loop on purpose: the tcp
 * path's `pump` stays exactly as it is, with no per-chunk hook to call.
 * @module
 */

import type { BufferPool } from "./buffer_pool.ts";
import { type PumpEnd, type PumpStats, SMALL_BUFFER_SIZE } from "./pump.ts";

/** What a protocol looks at in one direction. */
export interface ChunkObserver {
  /** Sees a chunk before it is forwarded; throwing ends the direction as an error. */
  before?(chunk: Uint8Array): void;
  /** Sees a chunk once it has been written to the other side. */
  after?(chunk: Uint8Array): void;
}

/** What a direction reads from and writes to: a socket, or TLS the sidecar terminated. */
export type StreamConn = Pick<Deno.Conn, "read" | "write" | "closeWrite">;

/** Copies `from` → `to` like `pump`, showing each chunk to `observer`. */
export async function scanPump(
  from: StreamConn,
  to: StreamConn,
  pool: BufferPool,
  stats: PumpStats,
  observer: ChunkObserver,
): Promise<PumpEnd> {
  const small = new Uint8Array(SMALL_BUFFER_SIZE);
  let large: Uint8Array | undefined;
  try {
    while (true) {
      const buffer = large ?? small;
      const count = await from.read(buffer);
      if (count === null) break;
      const chunk = buffer.subarray(0, count);
      observer.before?.(chunk);
      let written = await to.write(chunk);
      while (written < count) written += await to.write(chunk.subarray(written));
      stats.bytes += count;
      observer.after?.(chunk);
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
