/**
 * Where a Redis session stands, from RESP framing and command names only:
 * commands not yet answered, a MULTI (or WATCH) block open, subscribe or
 * monitor mode. From that, whether it may be moved (closed for a
 * reconnect) without splitting anything.
 * @module
 */

import { type RespEvent, RespScanner } from "./framing.ts";

/** Commands after which the connection only listens (pub/sub, MONITOR): never moved. */
const LISTENING = new Set(["SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "MONITOR"]);
/** Commands that open a block the next commands depend on. */
const OPENS_BLOCK = new Set(["MULTI", "WATCH"]);
/** Commands that close it. */
const CLOSES_BLOCK = new Set(["EXEC", "DISCARD", "UNWATCH", "RESET"]);

/**
 * Tracks one session. Feed client→server bytes to `fromClient` before they
 * are forwarded and server→client bytes to `fromServer` after they are
 * delivered.
 */
export class RedisSessionState {
  readonly #client: RespScanner;
  readonly #server: RespScanner;
  #pending = 0;
  #inBlock = false;
  #listening = false;
  /** Called when the session turns movable. */
  onMovable: (() => void) | undefined;

  constructor() {
    this.#client = new RespScanner("client", (event) => this.#command(event));
    this.#server = new RespScanner("server", (event) => this.#reply(event));
  }

  /** Whether closing now splits nothing: every reply delivered, no block, not listening. */
  get movable(): boolean {
    return this.#pending === 0 && !this.#inBlock && !this.#listening &&
      this.#client.atBoundary && this.#server.atBoundary;
  }

  /** Why it is not movable now, for logs (undefined when it is). */
  get busyReason(): string | undefined {
    if (this.#listening) return "in subscribe or monitor mode";
    if (this.#inBlock) return "inside MULTI or WATCH";
    if (this.#pending > 0) return `waiting for ${this.#pending} replies`;
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

  #command(event: RespEvent): void {
    if (event.kind !== "command") return;
    this.#pending++;
    if (LISTENING.has(event.name)) this.#listening = true;
    else if (OPENS_BLOCK.has(event.name)) this.#inBlock = true;
    else if (CLOSES_BLOCK.has(event.name)) this.#inBlock = false;
  }

  #reply(event: RespEvent): void {
    if (event.kind === "reply" && this.#pending > 0) this.#pending--;
  }
}
