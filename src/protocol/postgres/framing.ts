/**
 * PostgreSQL message framing, read incrementally: a one-byte type and a
 * four-byte length that counts itself, then the body. The scanner sees
 * only that header and, for the few message types whose first bytes matter
 * to the sidecar (ReadyForQuery's status, BackendKeyData's key), the head
 * of the body; everything else is skipped by count, never copied or parsed.
 * @module
 */

/** The most body bytes a scanner keeps of one message. */
export const HEAD_BYTES = 8;

/**
 * Called once per message, when its header and head are in. `head` is the
 * scanner's own buffer, of which the first `headLength` bytes are this
 * message's (no view is made per message: the scan allocates nothing).
 */
export type MessageSink = (
  type: number,
  bodyLength: number,
  head: Uint8Array,
  headLength: number,
) => void;

/** A framing error: the stream is not PostgreSQL's protocol (or is corrupt). */
export class FramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FramingError";
  }
}

/**
 * Follows the message boundaries of one direction of a session after
 * startup. Feed it every chunk in order; it calls `sink` once per message,
 * with the first `min(HEAD_BYTES, headBytes(type), bodyLength)` body bytes
 * (valid only during the call). It allocates nothing per chunk or message.
 */
export class FrameScanner {
  readonly #sink: MessageSink;
  readonly #headBytes: (type: number) => number;
  readonly #header = new Uint8Array(5);
  readonly #head = new Uint8Array(HEAD_BYTES);
  #headerFill = 0;
  #type = 0;
  #bodyLength = 0;
  #headWanted = 0;
  #headFill = 0;
  /** Body bytes still to skip after the head. */
  #skip = 0;

  /**
   * @param sink receives each message
   * @param headBytes how many body bytes of a message of `type` the sink needs (0 for most)
   */
  constructor(sink: MessageSink, headBytes: (type: number) => number = () => 0) {
    this.#sink = sink;
    this.#headBytes = headBytes;
  }

  /** Whether the stream is between two messages. */
  get atBoundary(): boolean {
    return this.#headerFill === 0 && this.#skip === 0 && this.#headWanted === 0;
  }

  /**
   * Scans `chunk` (the next bytes of the stream).
   * @throws {FramingError} when a length is impossible (below 4)
   */
  scan(chunk: Uint8Array): void {
    let at = 0;
    const end = chunk.length;
    while (at < end) {
      if (this.#skip > 0) {
        const take = Math.min(this.#skip, end - at);
        this.#skip -= take;
        at += take;
        continue;
      }
      if (this.#headWanted > 0) {
        const take = Math.min(this.#headWanted - this.#headFill, end - at);
        this.#head.set(chunk.subarray(at, at + take), this.#headFill);
        this.#headFill += take;
        at += take;
        if (this.#headFill === this.#headWanted) this.#deliver();
        continue;
      }
      // Header: five bytes, usually all in this chunk.
      if (this.#headerFill === 0 && end - at >= 5) {
        this.#startMessage(
          chunk[at] as number,
          readInt32(chunk, at + 1),
        );
        at += 5;
        continue;
      }
      const take = Math.min(5 - this.#headerFill, end - at);
      this.#header.set(chunk.subarray(at, at + take), this.#headerFill);
      this.#headerFill += take;
      at += take;
      if (this.#headerFill === 5) {
        this.#headerFill = 0;
        this.#startMessage(this.#header[0] as number, readInt32(this.#header, 1));
      }
    }
  }

  #startMessage(type: number, length: number): void {
    if (length < 4) {
      throw new FramingError(
        `message ${describeType(type)} has length ${length}; the least is 4`,
      );
    }
    this.#type = type;
    this.#bodyLength = length - 4;
    const wanted = Math.min(HEAD_BYTES, this.#headBytes(type), this.#bodyLength);
    if (wanted === 0) {
      this.#skip = this.#bodyLength;
      this.#sink(type, this.#bodyLength, this.#head, 0);
      return;
    }
    this.#headWanted = wanted;
    this.#headFill = 0;
  }

  #deliver(): void {
    const wanted = this.#headWanted;
    this.#headWanted = 0;
    this.#headFill = 0;
    this.#skip = this.#bodyLength - wanted;
    this.#sink(this.#type, this.#bodyLength, this.#head, wanted);
  }
}

/** A big-endian signed 32-bit integer at `at`. */
export function readInt32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] as number) << 24) | ((bytes[at + 1] as number) << 16) |
    ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number);
}

/** `'Z'` for a printable type byte, else its number. */
export function describeType(type: number): string {
  return type >= 0x20 && type < 0x7f ? `'${String.fromCharCode(type)}'` : `0x${type.toString(16)}`;
}
