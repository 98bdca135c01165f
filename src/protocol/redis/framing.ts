/**
 * RESP framing (RESP2 and RESP3), read incrementally: where each top-level
 * command or reply ends, and a command's name, never its arguments or a
 * reply's data. Bulk payloads are skipped by count, never copied.
 * @module
 */

/** What completed at the top level of the stream. */
export type RespEvent =
  /** A client command (array or inline); `name` is its first word, upper-cased (at most 32 bytes). */
  | { readonly kind: "command"; readonly name: string }
  /** A reply; `error` for `-` and `!`. */
  | { readonly kind: "reply"; readonly error: boolean }
  /** A RESP3 out-of-band push (`>`), not the answer to a command. */
  | { readonly kind: "push" };

/** A framing error: the stream is not RESP. */
export class RespFramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RespFramingError";
  }
}

const CR = 0x0d;
const LF = 0x0a;
const MAX_NAME = 32;
const decoder = new TextDecoder();

/** Header types whose line is a count of nested values, and how many per count unit. */
const CONTAINERS: Readonly<Record<number, number>> = {
  0x2a: 1, // * array
  0x7e: 1, // ~ set
  0x3e: 1, // > push
  0x25: 2, // % map
  0x7c: 2, // | attribute
};
/** Header types whose line is a byte count followed by a payload and CRLF. */
const BLOBS = new Set([0x24, /* $ */ 0x3d, /* = */ 0x21 /* ! */]);
/** Header types whose line is the whole value. */
const LINES = new Set([
  0x2b, /* + */
  0x2d, /* - */
  0x3a, /* : */
  0x5f, /* _ */
  0x23, /* # */
  0x2c, /* , */
  0x28, /* ( */
]);

interface Frame {
  remaining: number;
}

/**
 * Follows one direction of a RESP session. `side: "client"` also accepts
 * inline commands and captures command names.
 */
export class RespScanner {
  readonly #side: "client" | "server";
  readonly #sink: (event: RespEvent) => void;
  /** Nested containers still open, outermost first. */
  readonly #stack: Frame[] = [];
  #state: "type" | "line" | "blob" | "inline" = "type";
  #type = 0;
  #number = 0;
  #negative = false;
  #digits = 0;
  /** Blob bytes (payload and CRLF) still to skip. */
  #skip = 0;
  #topType = 0;
  #topAttribute = false;
  #topError = false;
  #name: number[] = [];
  /** Whether the blob being read is the command's first element (its name). */
  #capturing = false;
  #elementsSeen = 0;

  constructor(side: "client" | "server", sink: (event: RespEvent) => void) {
    this.#side = side;
    this.#sink = sink;
  }

  /** Whether the stream is between two top-level values. */
  get atBoundary(): boolean {
    return this.#state === "type" && this.#stack.length === 0;
  }

  /**
   * Scans the next bytes of the stream.
   * @throws {RespFramingError} on a byte that cannot start a value or a bad length
   */
  scan(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      switch (this.#state) {
        case "type": {
          const type = chunk[at++] as number;
          this.#begin(type);
          break;
        }
        case "line": {
          const byte = chunk[at++] as number;
          if (byte === LF) this.#endLine();
          else this.#lineByte(byte);
          break;
        }
        case "blob": {
          const take = Math.min(this.#skip, chunk.length - at);
          if (this.#capturing) {
            for (let i = 0; i < take && this.#name.length < MAX_NAME; i++) {
              // The payload's last two bytes are the CRLF.
              if (this.#skip - i > 2) this.#name.push(chunk[at + i] as number);
            }
          }
          this.#skip -= take;
          at += take;
          if (this.#skip === 0) this.#valueDone();
          break;
        }
        case "inline": {
          const byte = chunk[at++] as number;
          if (byte === LF) {
            this.#state = "type";
            this.#emitCommand();
          } else if (byte !== CR && this.#capturing) {
            if (byte === 0x20) this.#capturing = false;
            else if (this.#name.length < MAX_NAME) this.#name.push(byte);
          }
          break;
        }
      }
    }
  }

  #begin(type: number): void {
    this.#type = type;
    if (this.#stack.length === 0) {
      this.#topType = type;
      this.#topError = type === 0x2d || type === 0x21;
      this.#name = [];
      this.#elementsSeen = 0;
    }
    if (CONTAINERS[type] !== undefined || BLOBS.has(type) || LINES.has(type)) {
      this.#number = 0;
      this.#negative = false;
      this.#digits = 0;
      this.#state = "line";
      return;
    }
    if (this.#side === "client" && this.#stack.length === 0) {
      // An inline command: a line of words. A bare CRLF is an empty line, skipped.
      this.#state = "inline";
      this.#capturing = true;
      if (type === LF) {
        this.#state = "type";
        return;
      }
      if (type !== CR && type !== 0x20) this.#name.push(type);
      return;
    }
    throw new RespFramingError(`byte 0x${type.toString(16)} cannot start a RESP value`);
  }

  #lineByte(byte: number): void {
    if (LINES.has(this.#type) || byte === CR) return;
    if (byte === 0x2d && this.#digits === 0 && !this.#negative) {
      this.#negative = true;
    } else if (byte >= 0x30 && byte <= 0x39 && this.#digits < 12) {
      this.#number = this.#number * 10 + (byte - 0x30);
      this.#digits++;
    } else if (byte !== 0x3f) {
      // ("?" would be RESP3's streamed length, which servers do not send.)
      throw new RespFramingError(
        `bad length byte 0x${byte.toString(16)} after ${String.fromCharCode(this.#type)}`,
      );
    }
  }

  #endLine(): void {
    this.#state = "type";
    const type = this.#type;
    if (LINES.has(type)) return this.#valueDone();
    const count = this.#negative ? -1 : this.#number;
    if (BLOBS.has(type)) {
      if (count < 0) return this.#valueDone();
      this.#skip = count + 2;
      this.#capturing = this.#side === "client" && this.#stack.length === 1 &&
        this.#topType === 0x2a && this.#elementsSeen === 0;
      this.#state = "blob";
      return;
    }
    const per = CONTAINERS[type] as number;
    if (this.#stack.length === 0 && type === 0x7c) this.#topAttribute = true;
    if (count <= 0) return this.#valueDone();
    this.#stack.push({ remaining: count * per });
  }

  #valueDone(): void {
    this.#capturing = false;
    this.#state = "type";
    while (true) {
      const top = this.#stack[this.#stack.length - 1];
      if (top === undefined) return this.#topDone();
      if (this.#stack.length === 1) this.#elementsSeen++;
      top.remaining--;
      if (top.remaining > 0) return;
      this.#stack.pop();
    }
  }

  #topDone(): void {
    if (this.#topAttribute) {
      // An attribute annotates the reply that follows; it is not one itself.
      this.#topAttribute = false;
      return;
    }
    if (this.#side === "client") return this.#emitCommand();
    if (this.#topType === 0x3e) this.#sink({ kind: "push" });
    else this.#sink({ kind: "reply", error: this.#topError });
  }

  #emitCommand(): void {
    const name = decoder.decode(Uint8Array.from(this.#name)).toUpperCase();
    this.#name = [];
    this.#capturing = false;
    this.#sink({ kind: "command", name });
  }
}
