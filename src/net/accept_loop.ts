/**
 * An accept loop that survives local failures. When `accept()` fails
 * because the process is out of file descriptors (or buffers, or anything
 * but the listener being closed), the loop waits — 10 ms doubling to 1 s —
 * and tries again, so a frontend serves again by itself once clients leave.
 * One warning starts each stalled episode and one line ends it with the
 * count, instead of a line per failure or silence; an episode ends only
 * once accepts have worked for `QUIET_MS` after the last failure, so a
 * loop that works and fails by turns at its limit logs one pair, not a
 * pair a second.
 * @module
 */

import type { Fields, Logger } from "../log/mod.ts";
import type { Scheduler } from "../scheduler.ts";
import { Backoff } from "./backoff.ts";
import { closeQuietly } from "./close_quietly.ts";
import { errnoCode, isResourceExhaustion } from "./local_error.ts";

/** How long accepts must work after the last failure before the episode is over. */
const QUIET_MS = 5000;

/** Why and since when a loop cannot accept. */
export interface AcceptStall {
  /** When the episode began (scheduler time, ms). */
  readonly since: number;
  /** The last error, e.g. "Too many open files (os error 24)". */
  readonly reason: string;
  /** Failed accepts in this episode. */
  readonly failures: number;
}

/** Options for `AcceptLoop`. */
export interface AcceptLoopOptions<C extends Deno.Conn> {
  /** Receives each accepted connection; it owns it from then on. */
  readonly onConnection: (conn: C) => void;
  readonly scheduler: Scheduler;
  readonly log: Logger;
  /** Context for the loop's log lines, e.g. `{ frontend: "db" }`. */
  readonly logFields?: Fields;
  /** Retry delays. @default 10 ms doubling to 1 s */
  readonly backoff?: Backoff;
  /** Told of each accept that failed for lack of descriptors, buffers or memory. */
  readonly onExhausted?: () => void;
}

/** Accepts from `listener` until it is closed, retrying with backoff after any other failure. */
export class AcceptLoop<C extends Deno.Conn = Deno.TcpConn> implements AsyncDisposable {
  readonly #listener: Deno.Listener<C>;
  readonly #options: AcceptLoopOptions<C>;
  readonly #backoff: Backoff;
  readonly #finished: Promise<void>;
  #stall: AcceptStall | undefined;
  /** The logged episode: from the first failure until accepts work for QUIET_MS. */
  #episode: { since: number; failures: number; lastFailureAt: number } | undefined;
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(listener: Deno.Listener<C>, options: AcceptLoopOptions<C>) {
    this.#listener = listener;
    this.#options = options;
    this.#backoff = options.backoff ?? new Backoff();
    this.#finished = this.#run();
  }

  /** Set while accepting fails; undefined while the loop accepts normally. */
  get stall(): AcceptStall | undefined {
    return this.#stall;
  }

  /** Resolves when the loop has ended (after `close()`). */
  get finished(): Promise<void> {
    return this.#finished;
  }

  /** Closes the listener and ends the loop, also while it waits to retry. */
  async close(): Promise<void> {
    this.#closed = true;
    closeQuietly(this.#listener);
    this.#wake?.();
    await this.#finished;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      let conn: C;
      try {
        conn = await this.#listener.accept();
      } catch (error) {
        if (this.#closed || error instanceof Deno.errors.BadResource) break;
        await this.#wait(this.#failed(error as Error));
        continue;
      }
      this.#recovered();
      this.#options.onConnection(conn);
    }
    this.#closed = true;
  }

  #failed(error: Error): number {
    if (isResourceExhaustion(error)) this.#options.onExhausted?.();
    const delayMs = this.#backoff.next();
    const now = this.#options.scheduler.now();
    if (this.#episode === undefined) {
      this.#options.log.warn("cannot accept; retrying with backoff until it works again", {
        ...this.#options.logFields,
        error: error.message,
        code: errnoCode(error),
      });
      this.#episode = { since: now, failures: 0, lastFailureAt: now };
    }
    this.#episode.failures++;
    this.#episode.lastFailureAt = now;
    this.#stall = {
      since: this.#stall?.since ?? now,
      reason: error.message,
      failures: this.#backoff.failures,
    };
    return delayMs;
  }

  #recovered(): void {
    this.#stall = undefined;
    this.#backoff.reset();
    const episode = this.#episode;
    const now = this.#options.scheduler.now();
    if (episode === undefined || now - episode.lastFailureAt < QUIET_MS) return;
    this.#options.log.info("accepting again", {
      ...this.#options.logFields,
      failedAccepts: episode.failures,
      forMs: episode.lastFailureAt - episode.since,
    });
    this.#episode = undefined;
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.#options.scheduler.after(ms, () => {
        this.#wake = undefined;
        resolve();
      });
      this.#wake = () => {
        cancel();
        this.#wake = undefined;
        resolve();
      };
    });
  }
}
