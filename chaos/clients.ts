/**
 * Client workers: open connections through the sidecar the way an
 * application would, and record per connection when it started, which
 * region and node served it, bytes and checksums, and how it ended.
 * @module
 */

import { splitAddress } from "../src/testing/mod.ts";
import { Checksum, payload } from "./checksum.ts";
import { closeQuietly, writeAll } from "../src/net/mod.ts";

/** How a client connection ended. */
export type ConnEnd =
  | "client close" // the client finished and closed
  | "server close" // EOF from the sidecar while the client still wanted data
  | "reset" // ECONNRESET / broken pipe
  | "stalled" // no progress before the client's deadline
  | "connect error"; // never greeted by a backend (refused, closed or reset before)

/** What one client connection saw. */
export interface ConnRecord {
  readonly id: number;
  readonly worker: number;
  /** ms since the scenario's start. */
  readonly startMs: number;
  /** When the backend's greeting arrived. */
  greetedMs?: number;
  endMs: number;
  node?: string;
  region?: string;
  end: ConnEnd;
  error?: string;
  sent: number;
  received: number;
  sentSum?: string;
  receivedSum?: string;
  /** Whether every byte came back (undefined when the exchange did not finish). */
  intact?: boolean;
}

/** How each connection behaves. */
export interface ConnPlan {
  /** Bytes echoed per round. @default 4096 */
  readonly payloadBytes?: number;
  /** Rounds of write-then-read-back. @default 1 */
  readonly rounds?: number;
  /** Pause between rounds, ms (session stays open). @default 0 */
  readonly roundGapMs?: number;
  /** The client gives up on any single wait after this long. @default 5000 */
  readonly stallMs?: number;
}

/** A connection held open until the server closes it or it is released. */
export interface HeldConn {
  readonly record: ConnRecord;
  /** Resolves when the connection has ended. */
  readonly done: Promise<ConnRecord>;
  /** Closes it from the client side. */
  release(): void;
}

/** Records every connection made through it; times are relative to `t0`. */
export class ClientRecorder {
  readonly records: ConnRecord[] = [];
  #nextId = 1;

  constructor(readonly address: string, readonly t0: number = Date.now()) {}

  /** ms since t0. */
  now(): number {
    return Date.now() - this.t0;
  }

  #start(worker: number): ConnRecord {
    const record: ConnRecord = {
      id: this.#nextId++,
      worker,
      startMs: this.now(),
      endMs: 0,
      end: "client close",
      sent: 0,
      received: 0,
    };
    this.records.push(record);
    return record;
  }

  /** One connection: greeting, `rounds` echo exchanges, then a clean close. */
  async connection(worker: number, plan: ConnPlan = {}): Promise<ConnRecord> {
    const { payloadBytes = 4096, rounds = 1, roundGapMs = 0, stallMs = 5_000 } = plan;
    const record = this.#start(worker);
    const sent = new Checksum();
    const received = new Checksum();
    let conn: Deno.TcpConn | undefined;
    const watchdog = new Watchdog(() => conn);
    try {
      watchdog.arm(stallMs);
      conn = await Deno.connect(splitAddress(this.address));
      conn.setNoDelay(true);
      const reader = new LineReader(conn);
      const greeting = await reader.line();
      if (greeting === undefined) throw new ConnectFailed("closed before a greeting");
      this.#greeted(record, greeting);
      for (let round = 0; round < rounds; round++) {
        if (round > 0 && roundGapMs > 0) {
          watchdog.disarm();
          const eof = await reader.eofWithin(roundGapMs);
          if (eof) throw new ServerClosed();
        }
        watchdog.arm(stallMs);
        const data = payload(record.id * 7919 + round, payloadBytes);
        sent.update(data);
        const writing = writeAll(conn, data).then(() => record.sent += data.length);
        await reader.readExactly(payloadBytes, (chunk) => {
          received.update(chunk);
          record.received += chunk.length;
        });
        await writing;
      }
      watchdog.arm(stallMs);
      await conn.closeWrite();
      const rest = await reader.drain();
      if (rest > 0) throw new Error(`${rest} unexpected bytes after the echo`);
      record.end = "client close";
    } catch (error) {
      this.#failed(record, error, watchdog.fired);
    } finally {
      watchdog.disarm();
      closeQuietly(conn);
      record.endMs = this.now();
      record.sentSum = sent.hex;
      record.receivedSum = received.hex;
      if (record.end === "client close") record.intact = sent.hex === received.hex;
      else if (record.received > 0) record.intact = false;
    }
    return record;
  }

  /** Opens a connection, reads the greeting, and holds it until the server closes it. */
  hold(worker: number, { greetMs = 5_000 } = {}): HeldConn {
    const record = this.#start(worker);
    let conn: Deno.TcpConn | undefined;
    let released = false;
    const watchdog = new Watchdog(() => conn);
    const done = (async () => {
      try {
        watchdog.arm(greetMs);
        conn = await Deno.connect(splitAddress(this.address));
        const reader = new LineReader(conn);
        const greeting = await reader.line();
        if (greeting === undefined) throw new ConnectFailed("closed before a greeting");
        this.#greeted(record, greeting);
        watchdog.disarm();
        const rest = await reader.drain();
        record.received += rest;
        record.end = released ? "client close" : "server close";
      } catch (error) {
        if (released) record.end = "client close";
        else this.#failed(record, error, watchdog.fired);
      } finally {
        watchdog.disarm();
        closeQuietly(conn);
        record.endMs = this.now();
      }
      return record;
    })();
    return {
      record,
      done,
      release() {
        released = true;
        closeQuietly(conn);
      },
    };
  }

  #greeted(record: ConnRecord, greeting: string): void {
    record.greetedMs = this.now();
    record.node = greeting;
    record.region = greeting.split("/")[0] ?? greeting;
  }

  #failed(record: ConnRecord, error: unknown, stalled: boolean): void {
    record.error = (error as Error).message;
    if (record.greetedMs === undefined) record.end = "connect error";
    else if (stalled) record.end = "stalled";
    else if (error instanceof ServerClosed) record.end = "server close";
    else if (
      error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.BrokenPipe
    ) record.end = "reset";
    else record.end = "server close";
  }
}

/** Runs `workers` loops of back-to-back connections until `signal` aborts. */
export async function runWorkers(
  recorder: ClientRecorder,
  workers: number,
  signal: AbortSignal,
  plan: ConnPlan & { readonly pauseMs?: number } = {},
): Promise<void> {
  const loop = async (worker: number) => {
    while (!signal.aborted) {
      await recorder.connection(worker, plan);
      if (plan.pauseMs !== undefined && plan.pauseMs > 0 && !signal.aborted) {
        await pause(plan.pauseMs, signal);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, i) => loop(i)));
}

/** Waits `ms` (client pacing, not synchronisation), or less if `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

class ConnectFailed extends Error {}
class ServerClosed extends Error {
  constructor() {
    super("the server closed the connection");
  }
}

/** Closes the connection when a wait lasts too long, and says so. */
class Watchdog {
  #timer: ReturnType<typeof setTimeout> | undefined;
  fired = false;
  constructor(readonly conn: () => Deno.Conn | undefined) {}
  arm(ms: number): void {
    this.disarm();
    this.#timer = setTimeout(() => {
      this.fired = true;
      closeQuietly(this.conn());
    }, ms);
  }
  disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** Buffered reads: a greeting line, then exact byte counts. */
class LineReader {
  #buffer = new Uint8Array(64 * 1024);
  #pending: Uint8Array = new Uint8Array(0);
  constructor(readonly conn: Deno.Conn) {}

  /** At most one read in flight: a wait that gave up leaves its read for the next caller. */
  #fill(): Promise<boolean> {
    this.#inflight ??= this.#readOnce().finally(() => this.#inflight = undefined);
    return this.#inflight;
  }

  async #readOnce(): Promise<boolean> {
    const count = await this.conn.read(this.#buffer);
    if (count === null) return false;
    const next = new Uint8Array(this.#pending.length + count);
    next.set(this.#pending);
    next.set(this.#buffer.subarray(0, count), this.#pending.length);
    this.#pending = next;
    return true;
  }

  /** One `\n`-terminated line, or undefined at EOF. */
  async line(): Promise<string | undefined> {
    while (true) {
      const newline = this.#pending.indexOf(10);
      if (newline >= 0) {
        const text = new TextDecoder().decode(this.#pending.subarray(0, newline));
        this.#pending = this.#pending.slice(newline + 1);
        return text;
      }
      if (!await this.#fill()) return undefined;
    }
  }

  /** Reads exactly `length` bytes, passing each chunk on; throws ServerClosed at EOF. */
  async readExactly(length: number, onChunk: (chunk: Uint8Array) => void): Promise<void> {
    let left = length;
    while (left > 0) {
      if (this.#pending.length === 0 && !await this.#fill()) throw new ServerClosed();
      const take = this.#pending.subarray(0, Math.min(left, this.#pending.length));
      onChunk(take);
      left -= take.length;
      this.#pending = this.#pending.slice(take.length);
    }
  }

  /** Reads to EOF; returns how many bytes came. */
  async drain(): Promise<number> {
    let total = 0;
    while (true) {
      total += this.#pending.length;
      this.#pending = new Uint8Array(0);
      if (!await this.#fill()) return total;
    }
  }

  /** True when EOF arrives within `ms` (nothing else is expected meanwhile). */
  async eofWithin(ms: number): Promise<boolean> {
    if (this.#pending.length > 0) return false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"wait">((resolve) => timer = setTimeout(() => resolve("wait"), ms));
    const result = await Promise.race([
      this.#fill().then((more) => more ? "data" : "eof"),
      timeout,
    ]);
    clearTimeout(timer);
    return result === "eof";
  }
  #inflight: Promise<boolean> | undefined;
}

/** Sessions that reconnect whenever the server closes them, like a pooled app client. */
export interface StickyClients {
  /** The current connection of each worker. */
  readonly current: readonly HeldConn[];
  /** Releases every connection and stops reconnecting. */
  stop(): Promise<void>;
}

/** Opens `count` held connections; each one reconnects when the server closes it. */
export function stickyClients(recorder: ClientRecorder, count: number): StickyClients {
  const current: HeldConn[] = [];
  let stopped = false;
  const loops: Promise<void>[] = [];
  for (let worker = 0; worker < count; worker++) {
    loops.push((async () => {
      while (!stopped) {
        const conn = recorder.hold(worker);
        current[worker] = conn;
        const record = await conn.done;
        if (stopped) return;
        // A failed connect is retried after a short pause, not in a tight loop.
        if (record.end === "connect error") await pause(50);
      }
    })());
  }
  return {
    current,
    async stop() {
      stopped = true;
      for (const conn of current) conn?.release();
      await Promise.all(loops);
    },
  };
}
