/**
 * One direction of a relay: what one socket's handle reads is written to
 * the other's, from our own buffer, and its FIN is passed on as a
 * shutdown once everything before it is written.
 *
 * Each direction keeps a small buffer and borrows larger pooled ones as
 * its reads grow: a read that fills its buffer steps up a size, one that
 * would have fit the size below steps down. A read is written on without a
 * copy: the handle writes at once what the kernel takes and queues only the
 * rest, still pointing into our buffer, so while a write is queued reading
 * stops (no read can land in that buffer) until the write completes.
 * @module
 */

import type { TcpConnection } from "./tcp_connection.ts";
import {
  endOfStream,
  type HandleError,
  handleError,
  lastWriteWasAsync,
  newShutdownRequest,
  newWriteRequest,
  readResult,
  type WriteRequest,
} from "./stream_handles.ts";

/** Copy buffers shared by every session (the proxy's `BufferPool`). */
export interface Buffers {
  /** The sizes it lends, smallest first (each larger than `SMALL_BUFFER_SIZE`). */
  readonly sizes: readonly number[];
  /** A buffer of `size` (one of `sizes`), reused when one is free. */
  borrow(size: number): Uint8Array;
  /** Returns a buffer from `borrow()` for reuse. */
  giveBack(buffer: Uint8Array): void;
}

/** The small buffer each direction owns (for idle connections, it is all they hold). */
export const SMALL_BUFFER_SIZE = 512;

/** What a pump tells its relay. */
export interface PumpEvents {
  /** `pump.from` sent a FIN. */
  ended(pump: Pump): void;
  /** That FIN was passed on (or there was no one left to pass it to). */
  shut(pump: Pump): void;
  /** A read from `connection` or a write to it failed. */
  failed(connection: TcpConnection, error: HandleError): void;
}

/** Copies from one connection to another. */
export class Pump {
  readonly from: TcpConnection;
  readonly to: TcpConnection;
  /** `from` sent its FIN. */
  ended = false;
  /** The FIN was passed on to `to` (or `to` is gone). */
  shut = false;
  readonly #buffers: Buffers;
  readonly #events: PumpEvents;
  readonly #small = new Uint8Array(SMALL_BUFFER_SIZE);
  /** The borrowed buffer reads go into, if any; its size is `#buffers.sizes[#step - 1]`. */
  #large: Uint8Array | undefined;
  /** 0: our small buffer; n: the pool's n-th size. */
  #step = 0;
  #lastCount = 0;
  /** A write from our buffer is queued on `to`: reading is stopped, the buffer kept. */
  #writing = false;
  /** One request for every write: at most one is queued at a time. */
  #request: WriteRequest | undefined;

  constructor(from: TcpConnection, to: TcpConnection, buffers: Buffers, events: PumpEvents) {
    this.from = from;
    this.to = to;
    this.#buffers = buffers;
    this.#events = events;
  }

  /** Whether a write from our buffer is still queued. */
  get writing(): boolean {
    return this.#writing;
  }

  /** Starts reading. */
  start(): void {
    const { handle } = this.from;
    handle.useUserBuffer(this.#small);
    handle.onread = this.#onRead;
    const status = handle.readStart();
    if (status < 0) this.#events.failed(this.from, handleError(status, "read"));
  }

  /** Passes the FIN on to `to`, after the write still queued, if any. */
  passEnd(): void {
    if (this.shut || this.#writing) return;
    if (this.to.closed) return this.#shutDone();
    const request = newShutdownRequest(this.to.handle);
    request.oncomplete = () => this.#shutDone();
    const status = this.to.handle.shutdown(request);
    // A shutdown refused (ENOTCONN: the peer is gone) leaves no FIN to pass on.
    if (status !== 0) this.#shutDone();
  }

  /** Gives back a borrowed buffer; call once both connections are closed. */
  release(): void {
    if (this.#large !== undefined) this.#buffers.giveBack(this.#large);
    this.#large = undefined;
    this.#step = 0;
  }

  /** The handle's `onread` (one function per pump, not one per read). */
  readonly #onRead = (): void => {
    const count = readResult();
    if (count > 0) this.#forward(count);
    else if (count === endOfStream()) {
      this.ended = true;
      this.#events.ended(this);
    } else if (count < 0) this.#events.failed(this.from, handleError(count, "read"));
  };

  #forward(count: number): void {
    this.from.bytesRead += count;
    this.#lastCount = count;
    const to = this.to;
    if (to.closed) return;
    const buffer = this.#large ?? this.#small;
    this.#request ??= this.#newRequest();
    const status = to.handle.writeBuffer(this.#request, buffer.subarray(0, count));
    if (status < 0) return this.#events.failed(to, handleError(status, "write"));
    if (!lastWriteWasAsync()) return this.#pickBuffer(count);
    this.#writing = true;
    this.from.handle.readStop();
  }

  #newRequest(): WriteRequest {
    const request = newWriteRequest(this.to.handle);
    // Made at the first write and kept with the request: no closure per write.
    request.oncomplete = (status) => this.#written(status);
    return request;
  }

  /** A queued write completed. */
  #written(status: number): void {
    this.#writing = false;
    if (status < 0) return this.#events.failed(this.to, handleError(status, "write"));
    if (this.from.closed || this.to.closed) return;
    if (this.ended) return this.passEnd();
    this.#pickBuffer(this.#lastCount);
    const started = this.from.handle.readStart();
    if (started < 0) this.#events.failed(this.from, handleError(started, "read"));
  }

  /**
   * The buffer for the next read, by the last read's size: one that filled
   * the buffer steps up a size, one that would have fit the size below
   * steps down.
   */
  #pickBuffer(count: number): void {
    const sizes = this.#buffers.sizes;
    const step = this.#step;
    const size = step === 0 ? SMALL_BUFFER_SIZE : sizes[step - 1] as number;
    const below = step <= 1 ? SMALL_BUFFER_SIZE : sizes[step - 2] as number;
    let next = step;
    if (count >= size && step < sizes.length) next = step + 1;
    else if (step > 0 && count < below) next = step - 1;
    if (next === step) return;
    const lent = this.#large;
    this.#large = next === 0 ? undefined : this.#buffers.borrow(sizes[next - 1] as number);
    this.#step = next;
    this.from.handle.useUserBuffer(this.#large ?? this.#small);
    if (lent !== undefined) this.#buffers.giveBack(lent);
  }

  #shutDone(): void {
    if (this.shut) return;
    this.shut = true;
    this.#events.shut(this);
  }
}
