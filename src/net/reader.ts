/**
 * Reading a node:net socket into buffers we own (`onread`), instead of a
 * fresh Buffer per read: each direction keeps a small buffer and borrows a
 * large pooled one while it moves bulk data, like the old copy loop did.
 * @module
 */

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
 * where the bytes go. Reading pauses while a write to the other socket is
 * in flight, since that write still points into our buffer.
 */
export class SocketReader {
  /** Bytes read (and handed to the sink) so far. */
  bytes = 0;
  readonly #buffers: Buffers;
  readonly #small = new Uint8Array(SMALL_BUFFER_SIZE);
  #large: Uint8Array | undefined;
  #lastCount = 0;
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

  /** node's `onread.buffer`: the buffer for the next read, chosen by the last read's size. */
  readonly buffer = (): Uint8Array => {
    const count = this.#lastCount;
    if (this.#large === undefined && count === SMALL_BUFFER_SIZE) {
      this.#large = this.#buffers.borrow();
    } else if (this.#large !== undefined && count > 0 && count < SMALL_BUFFER_SIZE) {
      this.#buffers.giveBack(this.#large);
      this.#large = undefined;
    }
    return this.#large ?? this.#small;
  };

  /**
   * node's `onread.callback`: forwards one read as a copy — our buffer is
   * read into again at once (a paused socket may still complete a read in
   * flight, so a write pointing into it could be overwritten). False pauses
   * reading until the other socket drains.
   */
  readonly callback = (count: number, buffer: Uint8Array): boolean => {
    this.bytes += count;
    this.#lastCount = count;
    const to = this.#to;
    if (to === undefined || to.destroyed) return false;
    if (to.write(buffer.slice(0, count))) return true;
    to.once("drain", this.#drained);
    return false;
  };

  /** Gives back any borrowed buffer; call once both sockets are closed. */
  release(): void {
    if (this.#large !== undefined) this.#buffers.giveBack(this.#large);
    this.#large = undefined;
  }

  readonly #drained = (): void => {
    if (this.#from !== undefined && !this.#from.destroyed) this.#from.resume();
  };
}

/** A data-path TCP socket: a node:net socket and the reader its `onread` feeds. */
export interface TcpConnection {
  readonly socket: net.Socket;
  readonly reader: SocketReader;
}

/** node:net socket options that read through `reader`. */
export function onreadOptions(
  reader: SocketReader,
): { buffer: () => Uint8Array; callback: (count: number, buffer: Uint8Array) => boolean } {
  return { buffer: reader.buffer, callback: reader.callback };
}
