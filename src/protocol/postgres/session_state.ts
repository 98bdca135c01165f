/**
 * Where a PostgreSQL session stands, from its framing alone: the
 * transaction status of the last ReadyForQuery, whether the client has
 * requests the server has not answered, an extended-protocol batch not yet
 * closed by Sync, a COPY in progress, and the session's cancel key. From
 * that, whether it may be moved (closed for a reconnect) without losing
 * work.
 * @module
 */

import { FrameScanner, readInt32 } from "./framing.ts";

const Q = 0x51; // Query
const S = 0x53; // Sync (client) / ParameterStatus (server)
const F = 0x46; // FunctionCall
const P = 0x50; // Parse
const B = 0x42; // Bind
const D = 0x44; // Describe (client)
const E = 0x45; // Execute (client)
const C = 0x43; // Close (client)
const Z = 0x5a; // ReadyForQuery
const K = 0x4b; // BackendKeyData
const G = 0x47; // CopyInResponse
const H = 0x48; // CopyOutResponse (server)
const W = 0x57; // CopyBothResponse

/** A session's cancel key: BackendKeyData's process id and the secret's first bytes. */
export interface CancelKey {
  readonly processId: number;
  /** Up to the first four bytes of the secret, as a number. */
  readonly secretHead: number;
}

/** The transaction status of a ReadyForQuery: idle, in a transaction, in a failed one. */
export type TransactionStatus = "I" | "T" | "E";

/**
 * Tracks one session. Feed client→server bytes to `fromClient` before they
 * are forwarded (so a request counts from the moment it is read) and
 * server→client bytes to `fromServer` after they are delivered (so idle
 * means the client has every reply).
 */
export class PgSessionState {
  readonly #client: FrameScanner;
  readonly #server: FrameScanner;
  #status: TransactionStatus | undefined;
  /** ReadyForQuery messages the client still waits for (one per Query, Sync, FunctionCall). */
  #awaitingReady = 0;
  #unsyncedBatch = false;
  #inCopy = false;
  #key: CancelKey | undefined;
  /** Called when the session turns movable (used to move a session once it can be). */
  onMovable: (() => void) | undefined;

  constructor() {
    this.#client = new FrameScanner((type) => this.#clientMessage(type));
    this.#server = new FrameScanner(
      (type, _length, head, headLength) => this.#serverMessage(type, head, headLength),
      (type) => (type === Z ? 1 : type === K ? 8 : 0),
    );
  }

  /** The transaction status of the last ReadyForQuery (undefined before the first). */
  get status(): TransactionStatus | undefined {
    return this.#status;
  }

  /** BackendKeyData's key, once the server sent it. */
  get cancelKey(): CancelKey | undefined {
    return this.#key;
  }

  /**
   * Whether closing now loses nothing: idle outside a transaction, every
   * request answered and delivered, no open batch, no COPY, both streams
   * between messages.
   */
  get movable(): boolean {
    return this.#status === "I" && this.#awaitingReady === 0 && !this.#unsyncedBatch &&
      !this.#inCopy && this.#client.atBoundary && this.#server.atBoundary;
  }

  /** Why it is not movable now, for logs (undefined when it is). */
  get busyReason(): string | undefined {
    if (this.#status === undefined) return "not logged in yet";
    if (this.#status === "T") return "in a transaction";
    if (this.#status === "E") return "in a failed transaction";
    if (this.#inCopy) return "in a COPY";
    if (this.#unsyncedBatch) return "in an unfinished extended-protocol batch";
    if (this.#awaitingReady > 0) return "waiting for a reply";
    if (!this.#client.atBoundary || !this.#server.atBoundary) return "inside a message";
    return undefined;
  }

  /** Client → server bytes, before they are forwarded. */
  fromClient(chunk: Uint8Array): void {
    this.#client.scan(chunk);
  }

  /** Server → client bytes, after they are delivered. */
  fromServer(chunk: Uint8Array): void {
    const before = this.movable;
    this.#server.scan(chunk);
    if (!before && this.movable) this.onMovable?.();
  }

  #clientMessage(type: number): void {
    if (type === Q || type === F) this.#awaitingReady++;
    else if (type === S) {
      this.#awaitingReady++;
      this.#unsyncedBatch = false;
    } else if (type === P || type === B || type === D || type === E || type === C) {
      this.#unsyncedBatch = true;
    }
  }

  #serverMessage(type: number, head: Uint8Array, headLength: number): void {
    if (type === Z) {
      if (this.#awaitingReady > 0) this.#awaitingReady--;
      this.#inCopy = false;
      const status = headLength > 0 ? head[0] : 0;
      if (status === 0x49) this.#status = "I";
      else if (status === 0x54) this.#status = "T";
      else if (status === 0x45) this.#status = "E";
    } else if (type === G || type === H || type === W) {
      this.#inCopy = true;
    } else if (type === K && headLength >= 4) {
      this.#key = {
        processId: readInt32(head, 0),
        secretHead: headLength >= 8 ? readInt32(head, 4) : 0,
      };
    }
  }
}

/** The cancel key a CancelRequest names, in the form sessions register theirs. */
export function cancelKeyOf(processId: number, secret: Uint8Array): CancelKey {
  const head = new Uint8Array(4);
  head.set(secret.subarray(0, 4));
  return { processId, secretHead: secret.length >= 4 ? readInt32(head, 0) : 0 };
}

/** A map key for a cancel key. */
export function cancelKeyString(key: CancelKey): string {
  return `${key.processId}:${key.secretHead}`;
}
