/**
 * Reading a node:net socket into buffers we own (`onread`), instead of a
 * fresh Buffer per read: each direction keeps a small buffer and borrows a
 * large pooled one while it moves bulk data, like the old copy loop did.
 *
 * Each read is written on without a copy. That is safe because a buffer is
 * never read into while a write still points into it: Deno's node:net
 * writes at once what the kernel takes (`uv_try_write`) and queues only
 * the rest, pointing into our buffer. So after each write we look at the
 * other socket's `writableLength`: 0 means nothing of ours is queued and
 * the next read may reuse the buffer; anything else pauses reading (which
 * stops node's read loop before its next read) until that write's
 * callback, and keeps a borrowed buffer out of the pool until then.
 * @module
 */

import { Buffer } from "node:buffer";
import type net from "node:net";

/** Large copy buffers shared by every session (the proxy's `BufferPool`). */
export interface Buffers {
  /** A large buffer, reused when one is free. */
  borrow(): Uint8Array;
  /** Returns a buffer from `borrow()` for reuse. */
  giveBack(buffer: Uint8Array): void;
}

/** The small buffer each direction owns (for idle connections, it is all they hold). */
export const SMALL_BUFFER_SIZE = 512;

/**
 * The read side of one socket: the node `onread` options (`buffer` is
 * called for the buffer of the next read, `callback` with each read) and
 * where the bytes go.
 */
export class SocketReader {
  /** Bytes read (and handed to the sink) so far. */
  bytes = 0;
  readonly #buffers: Buffers;
  // Buffers, not plain Uint8Arrays: a write of a Buffer's subarray is taken
  // as it is, where a Uint8Array would be wrapped in a Buffer first.
  readonly #small = Buffer.alloc(SMALL_BUFFER_SIZE);
  /** The borrowed large buffer (as lent, to give back) and our Buffer view of it. */
  #borrowed: Uint8Array | undefined;
  #large: Buffer | undefined;
  #lastCount = 0;
  /** A write from our buffer is still queued on `#to`: reading is paused, the buffer kept. */
  #writing = false;
  #from: net.Socket | undefined;
  #to: net.Socket | undefined;

  constructor(buffers: Buffers) {
    this.#buffers = buffers;
  }

  /** Sends what `from` reads to `to`, and starts reading. */
  pipe(from: net.Socket, to: net.Socket): void {
    this.#from = from;
    this.#to = to;
    from.resume();
  }

  /** Whether a write from our buffer is still queued (reading is paused until it completes). */
  get writing(): boolean {
    return this.#writing;
  }

  /**
   * node's `onread.buffer`: the buffer for the next read, chosen by the last
   * read's size. A buffer with a queued write is kept, not switched.
   */
  readonly buffer = (): Uint8Array => {
    const count = this.#lastCount;
    if (this.#writing) return this.#large ?? this.#small;
    if (this.#large === undefined && count === SMALL_BUFFER_SIZE) {
      this.#borrowed = this.#buffers.borrow();
      this.#large = asBuffer(this.#borrowed);
    } else if (this.#large !== undefined && count > 0 && count < SMALL_BUFFER_SIZE) {
      this.release();
    }
    return this.#large ?? this.#small;
  };

  /**
   * node's `onread.callback`: writes the bytes read on, from our buffer.
   * False pauses reading: the write is queued and still points into it.
   */
  readonly callback = (count: number, buffer: Uint8Array): boolean => {
    this.bytes += count;
    this.#lastCount = count;
    const to = this.#to;
    if (to === undefined || to.destroyed) return false;
    to.write(buffer.subarray(0, count), this.#written);
    if (to.writableLength === 0) return true;
    this.#writing = true;
    return false;
  };

  /** Gives back any borrowed buffer; call once both sockets are closed. */
  release(): void {
    if (this.#borrowed !== undefined) this.#buffers.giveBack(this.#borrowed);
    this.#borrowed = undefined;
    this.#large = undefined;
  }

  /** Every write's callback (one function, so a write allocates no closure). */
  readonly #written = (): void => {
    // Writes complete in order: once nothing is queued, ours is done.
    if (!this.#writing || (this.#to?.writableLength ?? 0) > 0) return;
    this.#writing = false;
    const from = this.#from;
    if (from !== undefined && !from.destroyed) from.resume();
  };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** A data-path TCP socket: a node:net socket and the reader its `onread` feeds. */
export interface TcpConnection {
  readonly socket: net.Socket;
  readonly reader: SocketReader;
  /** The keepalive idle time the socket already has (ms; from its listener), if any. */
  readonly keepAliveMs?: number;
}

/** node:net socket options that read through `reader`. */
export function onreadOptions(
  reader: SocketReader,
): { buffer: () => Uint8Array; callback: (count: number, buffer: Uint8Array) => boolean } {
  return { buffer: reader.buffer, callback: reader.callback };
}
