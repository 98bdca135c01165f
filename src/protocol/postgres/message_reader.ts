/**
 * Reading whole PostgreSQL messages from a connection, for the short
 * exchanges the sidecar holds itself (startup, authentication, probes).
 * The data path never uses it: it scans framing instead.
 * @module
 */

import { describeType, readInt32 } from "./framing.ts";

/** The part of a connection a reader needs. */
export interface ByteSource {
  read(buffer: Uint8Array): Promise<number | null>;
}

/** One typed message: its type byte and body. */
export interface Message {
  readonly type: number;
  readonly body: Uint8Array;
}

/** The largest message read whole; anything bigger is not a startup exchange. */
export const MAX_MESSAGE_BYTES = 1 << 20;

/** Buffers a connection's bytes and hands them out as packets or messages. */
export class MessageReader {
  readonly #source: ByteSource;
  #buffer = new Uint8Array(4096);
  #start = 0;
  #end = 0;

  constructor(source: ByteSource) {
    this.#source = source;
  }

  /**
   * The next untyped packet (a client's first packet), its length bytes included.
   * @returns undefined at a clean end of stream
   */
  async readPacket(): Promise<Uint8Array | undefined> {
    if (!await this.#fill(4)) return undefined;
    const length = readInt32(this.#buffer, this.#start);
    if (length < 8 || length > MAX_MESSAGE_BYTES) {
      throw new RangeError(`startup packet length ${length} is out of range`);
    }
    if (!await this.#fill(length)) throw new RangeError("stream ended inside a startup packet");
    const packet = this.#buffer.slice(this.#start, this.#start + length);
    this.#start += length;
    return packet;
  }

  /**
   * The next typed message.
   * @returns undefined at a clean end of stream
   */
  async readMessage(): Promise<Message | undefined> {
    if (!await this.#fill(5)) return undefined;
    const type = this.#buffer[this.#start] as number;
    const length = readInt32(this.#buffer, this.#start + 1);
    if (length < 4 || length > MAX_MESSAGE_BYTES) {
      throw new RangeError(`message ${describeType(type)} length ${length} is out of range`);
    }
    if (!await this.#fill(1 + length)) {
      throw new RangeError(`stream ended inside message ${describeType(type)}`);
    }
    const body = this.#buffer.slice(this.#start + 5, this.#start + 1 + length);
    this.#start += 1 + length;
    return { type, body };
  }

  /** Bytes read from the source but not yet handed out (they belong to what follows). */
  takeBuffered(): Uint8Array {
    const rest = this.#buffer.slice(this.#start, this.#end);
    this.#start = this.#end = 0;
    return rest;
  }

  async #fill(count: number): Promise<boolean> {
    if (this.#end - this.#start >= count) return true;
    if (this.#buffer.length - this.#start < count) {
      const grown = new Uint8Array(Math.max(this.#buffer.length * 2, count));
      grown.set(this.#buffer.subarray(this.#start, this.#end));
      this.#end -= this.#start;
      this.#start = 0;
      this.#buffer = grown;
    }
    while (this.#end - this.#start < count) {
      if (this.#end === this.#buffer.length) {
        this.#buffer.copyWithin(0, this.#start, this.#end);
        this.#end -= this.#start;
        this.#start = 0;
      }
      const read = await this.#source.read(this.#buffer.subarray(this.#end));
      if (read === null) {
        if (this.#end === this.#start) return false;
        throw new RangeError("stream ended inside a message");
      }
      this.#end += read;
    }
    return true;
  }
}
