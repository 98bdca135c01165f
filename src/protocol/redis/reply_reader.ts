/**
 * Reading whole RESP replies into values, for the short exchanges the
 * sidecar holds itself (probes) and for tests. The data path never uses it.
 * @module
 */

/** A reply as a value: errors are `{ error }`, nulls `null`, containers arrays. */
export type RespValue = string | number | boolean | null | { readonly error: string } | RespValue[];

/** The part of a connection a reader needs. */
export interface ByteSource {
  read(buffer: Uint8Array): Promise<number | null>;
}

const decoder = new TextDecoder();
const MAX_REPLY_BYTES = 1 << 20;

/** Buffers a connection's bytes and hands them out as replies. */
export class ReplyReader {
  readonly #source: ByteSource;
  #buffer = new Uint8Array(0);

  constructor(source: ByteSource) {
    this.#source = source;
  }

  /**
   * The next reply.
   * @throws {Error} when the stream ends or is not RESP
   */
  async read(): Promise<RespValue> {
    const line = await this.#line();
    const type = line[0];
    const rest = line.slice(1);
    switch (type) {
      case "+":
        return rest;
      case "-":
        return { error: rest };
      case ":":
      case ",":
      case "(":
        return Number(rest);
      case "#":
        return rest === "t";
      case "_":
        return null;
      case "$":
      case "=":
      case "!": {
        const length = Number(rest);
        if (length < 0) return null;
        if (length > MAX_REPLY_BYTES) throw new Error(`reply of ${length} bytes is too big`);
        const bytes = await this.#take(length + 2);
        const text = decoder.decode(bytes.subarray(0, length));
        return type === "!" ? { error: text } : text;
      }
      case "*":
      case "~":
      case ">":
      case "%": {
        const count = Number(rest) * (type === "%" ? 2 : 1);
        if (count < 0) return null;
        const values: RespValue[] = [];
        for (let i = 0; i < count; i++) values.push(await this.read());
        return values;
      }
      default:
        throw new Error(`not a RESP reply: ${JSON.stringify(line.slice(0, 40))}`);
    }
  }

  async #line(): Promise<string> {
    while (true) {
      const end = this.#buffer.indexOf(0x0a);
      if (end !== -1) {
        const line = decoder.decode(this.#buffer.subarray(0, end)).replace(/\r$/, "");
        this.#buffer = this.#buffer.subarray(end + 1);
        return line;
      }
      await this.#more();
    }
  }

  async #take(count: number): Promise<Uint8Array> {
    while (this.#buffer.length < count) await this.#more();
    const bytes = this.#buffer.subarray(0, count);
    this.#buffer = this.#buffer.subarray(count);
    return bytes;
  }

  async #more(): Promise<void> {
    if (this.#buffer.length > MAX_REPLY_BYTES) throw new Error("reply line is too long");
    const chunk = new Uint8Array(4096);
    const count = await this.#source.read(chunk);
    if (count === null) throw new Error("the server closed the connection");
    const grown = new Uint8Array(this.#buffer.length + count);
    grown.set(this.#buffer);
    grown.set(chunk.subarray(0, count), this.#buffer.length);
    this.#buffer = grown;
  }
}

/** A command as RESP (an array of bulk strings). */
export function encodeCommand(words: readonly string[]): Uint8Array {
  const encoder = new TextEncoder();
  const parts = words.map((word) => encoder.encode(word));
  const head = `*${parts.length}\r\n`;
  let text = head;
  for (const part of parts) text += `$${part.length}\r\n${decoder.decode(part)}\r\n`;
  return encoder.encode(text);
}
