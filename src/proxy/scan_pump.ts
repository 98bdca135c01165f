/**
 * One direction of a protocol-aware session: each chunk read is shown to
 * the protocol (framing only) before it is forwarded or after it is handed
 * on, then forwarded as it was read, without a copy. Event-driven (the
 * conn's flow mode): no promise per chunk; reading pauses while the other
 * socket's buffer is full. A loop apart from the tcp path's relay on
 * purpose: that one has no per-chunk hook to call.
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
  const failed = Promise.withResolvers<"error">();
  const target = to.socket;
  const resume = () => {
    target.off("close", stuck);
    if (!from.socket.destroyed) from.socket.resume();
  };
  // The other side closed while we waited for it to drain: this direction cannot go on.
  const stuck = () => {
    target.off("drain", resume);
    fail();
  };
  let dead = false;
  const fail = () => {
    dead = true;
    failed.resolve("error");
  };
  const ended = from.flow((chunk) => {
    if (dead) return;
    try {
      observer.before?.(chunk);
    } catch {
      return fail();
    }
    if (target.destroyed || target.writableEnded) return fail();
    const more = target.write(chunk);
    stats.bytes += chunk.length;
    observer.after?.(chunk);
    if (more) return;
    from.socket.pause();
    target.once("drain", resume);
    target.once("close", stuck);
  });
  if (await Promise.race([ended, failed.promise]) === "error") return "error";
  try {
    await to.closeWrite();
  } catch {
    // The peer is already gone; the other direction will notice.
  }
  return "eof";
}
