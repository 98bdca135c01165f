/**
 * One direction of a protocol-aware session: each chunk read is shown to
 * the protocol (framing only) before it is forwarded or after it is handed
 * on, then forwarded as it was read, without a copy. A loop apart from the
 * tcp path's relay on purpose: that one has no per-chunk hook to call.
 * @module
 */

import type { SocketConn } from "../net/mod.ts";

/** How a direction ended: the source sent EOF, or a socket (or the framing) failed. */
export type PumpEnd = "eof" | "error";

/** Per-direction counters the session and diagnostics read. */
export interface PumpStats {
  /** Bytes forwarded so far. */
  bytes: number;
}

/** What a protocol looks at in one direction. */
export interface ChunkObserver {
  /** Sees a chunk before it is forwarded; throwing ends the direction as an error. */
  before?(chunk: Uint8Array): void;
  /** Sees a chunk once it has been handed to the other side. */
  after?(chunk: Uint8Array): void;
}

/** Copies `from` → `to`, showing each chunk to `observer`; passes a FIN on (`closeWrite`). */
export async function scanPump(
  from: SocketConn,
  to: SocketConn,
  stats: PumpStats,
  observer: ChunkObserver,
): Promise<PumpEnd> {
  try {
    while (true) {
      const chunk = await from.readChunk();
      if (chunk === null) break;
      observer.before?.(chunk);
      await to.write(chunk);
      stats.bytes += chunk.length;
      observer.after?.(chunk);
    }
  } catch {
    return "error";
  }
  try {
    await to.closeWrite();
  } catch {
    // The peer is already gone; the other direction will notice.
  }
  return "eof";
}
