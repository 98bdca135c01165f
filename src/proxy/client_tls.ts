/**
 * TLS from a PostgreSQL client, terminated by the sidecar with a configured
 * certificate: after the client's SSLRequest is answered `S`, node:tls runs
 * the server side of the handshake over the accepted socket (Deno has no
 * server-side `startTls`), and the session reads and writes through it as
 * through any connection.
 * @module
 */

import { Duplex } from "node:stream";
import tls from "node:tls";
import { closeQuietly, writeAll } from "../net/mod.ts";

/** The certificate chain and key the sidecar presents to its clients (PEM text). */
export interface TlsIdentity {
  readonly cert: string;
  readonly key: string;
}

/** Most decrypted bytes queued before the TLS socket is paused. */
const HIGH_WATER = 256 * 1024;

/** A client connection whose TLS the sidecar terminated. */
export class TerminatedTls {
  readonly #raw: Deno.TcpConn;
  readonly #socket: tls.TLSSocket;
  readonly #queue: Uint8Array[] = [];
  #queued = 0;
  #ended = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;

  private constructor(raw: Deno.TcpConn, socket: tls.TLSSocket) {
    this.#raw = raw;
    this.#socket = socket;
    socket.on("data", (chunk: Uint8Array) => {
      this.#queue.push(chunk);
      this.#queued += chunk.length;
      if (this.#queued > HIGH_WATER) socket.pause();
      this.#notify();
    });
    socket.on("end", () => {
      this.#ended = true;
      this.#notify();
    });
    socket.on("close", () => {
      this.#ended = true;
      this.#notify();
    });
    socket.on("error", (error: Error) => {
      this.#error ??= error;
      this.#ended = true;
      this.#notify();
    });
  }

  /**
   * Runs the server side of the TLS handshake on `raw`.
   * @throws {Error} when the handshake fails (the caller closes `raw`)
   */
  static accept(raw: Deno.TcpConn, identity: TlsIdentity): Promise<TerminatedTls> {
    const transport = new Duplex({
      read() {
        const buffer = new Uint8Array(16 * 1024);
        raw.read(buffer).then(
          (count) => this.push(count === null ? null : buffer.subarray(0, count)),
          () => this.push(null),
        );
      },
      write(chunk: Uint8Array, _encoding, done) {
        writeAll(raw, chunk).then(() => done(), done);
      },
      final(done) {
        raw.closeWrite().then(() => done(), () => done());
      },
    });
    const socket = new tls.TLSSocket(transport, {
      isServer: true,
      secureContext: tls.createSecureContext({ cert: identity.cert, key: identity.key }),
    });
    return new Promise((resolve, reject) => {
      socket.once("secure", () => resolve(new TerminatedTls(raw, socket)));
      socket.once("error", (error: Error) => {
        socket.destroy();
        reject(new Error(`client TLS handshake: ${error.message}`, { cause: error }));
      });
    });
  }

  /** Reads decrypted bytes; null at the end of the stream. */
  async read(buffer: Uint8Array): Promise<number | null> {
    while (this.#queue.length === 0) {
      if (this.#error !== undefined) throw this.#error;
      if (this.#ended) return null;
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
    const head = this.#queue[0] as Uint8Array;
    const count = Math.min(buffer.length, head.length);
    buffer.set(head.subarray(0, count));
    if (count === head.length) this.#queue.shift();
    else this.#queue[0] = head.subarray(count);
    this.#queued -= count;
    if (this.#queued <= HIGH_WATER && this.#socket.isPaused()) this.#socket.resume();
    return count;
  }

  /** Encrypts and sends `bytes`; resolves once they are handed to the socket. */
  write(bytes: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#socket.write(bytes.slice(), (error) => error ? reject(error) : resolve(bytes.length));
    });
  }

  /** Ends the TLS stream (close_notify) and half-closes the socket. */
  closeWrite(): Promise<void> {
    return new Promise((resolve) => this.#socket.end(resolve));
  }

  /** Closes everything now. */
  close(): void {
    this.#socket.destroy();
    closeQuietly(this.#raw);
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
