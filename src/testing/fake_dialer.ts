/**
 * A dialer with no sockets, for tests on a fake scheduler: each address
 * accepts (an inert connection, at once or after a delay on a scheduler),
 * refuses, or never answers (until the dial is aborted), as the test sets
 * it; every dial is recorded.
 * @module
 */

import type { Scheduler } from "../scheduler.ts";

/** How a fake address answers a dial. */
export type FakeAnswer = "accept" | "refuse" | "hang";

/** A `Dialer` whose answers the test controls. */
export class FakeDialer {
  readonly #answers = new Map<string, FakeAnswer>();
  readonly #delays = new Map<string, { ms: number; scheduler: Scheduler }>();
  /** Every dial, as `host:port`, in order. */
  readonly dials: string[] = [];
  #fallback: FakeAnswer;

  /** @param fallback how addresses not set answer @default "accept" */
  constructor(fallback: FakeAnswer = "accept") {
    this.#fallback = fallback;
  }

  /** Sets how `hostname:port` answers from now on. */
  set(address: string, answer: FakeAnswer): void {
    this.#answers.set(address, answer);
  }

  /** Makes `hostname:port` accept `ms` after each dial, timed by `scheduler` (0: at once). */
  delay(address: string, ms: number, scheduler: Scheduler): void {
    if (ms > 0) this.#delays.set(address, { ms, scheduler });
    else this.#delays.delete(address);
  }

  /** The dialer function to inject. */
  readonly dial = (
    options: { hostname: string; port: number; signal: AbortSignal },
  ): Promise<Deno.TcpConn> => {
    const address = `${options.hostname}:${options.port}`;
    this.dials.push(address);
    const answer = this.#answers.get(address) ?? this.#fallback;
    if (answer === "refuse") {
      return Promise.reject(new Deno.errors.ConnectionRefused("Connection refused (os error 111)"));
    }
    const delay = this.#delays.get(address);
    if (answer === "accept" && delay === undefined) {
      return Promise.resolve(inertConnection(options.hostname, options.port));
    }
    return new Promise((resolve, reject) => {
      const cancel = answer === "accept" && delay !== undefined
        ? delay.scheduler.after(delay.ms, () => {
          options.signal.removeEventListener("abort", abort);
          resolve(inertConnection(options.hostname, options.port));
        })
        : undefined;
      const abort = () => {
        cancel?.();
        reject(new DOMException("The dial was aborted", "AbortError"));
      };
      if (options.signal.aborted) abort();
      options.signal.addEventListener("abort", abort, { once: true });
    });
  };
}

/** A connection that reads EOF, swallows writes and closes without a socket. */
function inertConnection(hostname: string, port: number): Deno.TcpConn {
  const addr: Deno.NetAddr = { transport: "tcp", hostname, port };
  const conn = {
    localAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
    remoteAddr: addr,
    setNoDelay() {},
    setKeepAlive() {},
    read: () => Promise.resolve(null),
    write: (data: Uint8Array) => Promise.resolve(data.length),
    closeWrite: () => Promise.resolve(),
    close() {},
  };
  return conn as unknown as Deno.TcpConn;
}
