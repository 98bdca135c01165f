/**
 * Dialling a backend with a deadline, and classifying why a dial failed so
 * the backend can be disabled for the right reason — or not at all, when
 * the failure was this process's own (out of descriptors, no permission).
 * @module
 */

import { type DialOptions, isLocalError, type TcpConnection } from "../net/mod.ts";
import type { FailureKind } from "../pool/mod.ts";
import type { Scheduler } from "../scheduler.ts";

/** A failed dial, with the failure's class. */
export class DialError extends Error {
  readonly kind: FailureKind;
  readonly address: string;
  /** What went wrong, without the address: "connection refused". */
  readonly reason: string;

  constructor(kind: FailureKind, address: string, reason: string, options?: ErrorOptions) {
    super(`dial ${address}: ${reason}`, options);
    this.name = "DialError";
    this.kind = kind;
    this.address = address;
    this.reason = reason;
  }
}

/**
 * A dial that failed for a reason of this process or machine (EMFILE,
 * ENOBUFS, a denied permission): it says nothing about the backend, which
 * must not be disabled for it.
 */
export class LocalDialError extends Error {
  readonly address: string;
  /** What went wrong: "too many open files". */
  readonly reason: string;

  constructor(address: string, reason: string, options?: ErrorOptions) {
    super(`dial ${address}: ${reason} (a local failure, not the backend's)`, options);
    this.name = "LocalDialError";
    this.address = address;
    this.reason = reason;
  }
}

/** Opens a TCP connection. The default is `Deno.connect`; tests may inject one. */
export type Dialer = (
  options: { hostname: string; port: number; signal: AbortSignal },
) => Promise<Deno.TcpConn>;

/** Deno's own dialer. */
export const denoDialer: Dialer = ({ hostname, port, signal }) =>
  Deno.connect({ hostname, port, transport: "tcp", signal });

/**
 * Dials `hostname:port`, giving up after `timeoutMs` or when `signal`
 * aborts. Sets TCP_NODELAY on the new socket.
 *
 * @throws {DialError} classified: refused, timeout, unreachable, reset or error
 * @throws {LocalDialError} when the failure is this process's, not the backend's
 */
export async function dialBackend(
  dialer: Dialer,
  address: { readonly key: string; readonly hostname: string; readonly port: number },
  timeoutMs: number,
  signal: AbortSignal,
  scheduler: Scheduler,
): Promise<Deno.TcpConn> {
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  if (signal.aborted) abort.abort();
  try {
    return await dialAborting(dialer, address, timeoutMs, abort, scheduler);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/**
 * `dialBackend` whose deadline aborts the caller's own controller rather
 * than a second one linked to it: a controller and an abort listener fewer
 * per dial, on the path of every new connection. After a `timeout` the
 * controller is aborted, so the caller needs a new one to dial again.
 *
 * @throws {DialError} classified: refused, timeout, unreachable, reset or error
 * @throws {LocalDialError} when the failure is this process's, not the backend's
 */
export async function dialAborting(
  dialer: Dialer,
  address: { readonly key: string; readonly hostname: string; readonly port: number },
  timeoutMs: number,
  abort: AbortController,
  timers: Pick<Scheduler, "after">,
): Promise<Deno.TcpConn> {
  const conn = await dialWithin(dialer, address, timeoutMs, abort, timers, classify);
  conn.setNoDelay(true);
  return conn;
}

/**
 * Dials with `dialer` until `timeoutMs`, when it aborts `abort`: a
 * timeout is a `DialError` of its own, an abort from outside is rethrown
 * as it is, and any other failure goes through `classifyError` (a plain
 * function, not a closure: this runs for every new connection).
 */
async function dialWithin<C>(
  dialer: (options: DialOptions) => Promise<C>,
  address: { readonly key: string; readonly hostname: string; readonly port: number },
  timeoutMs: number,
  abort: AbortController,
  timers: Pick<Scheduler, "after">,
  classifyError: (address: string, error: unknown) => Error,
): Promise<C> {
  const { signal } = abort;
  let timedOut = false;
  const cancel = timers.after(timeoutMs, () => {
    // Aborted from outside first: that is the reason, not the deadline.
    if (signal.aborted) return;
    timedOut = true;
    abort.abort();
  });
  try {
    return await dialer({ hostname: address.hostname, port: address.port, signal });
  } catch (error) {
    if (timedOut) {
      throw new DialError("timeout", address.key, `no answer within ${timeoutMs}ms`, {
        cause: error,
      });
    }
    if (signal.aborted) throw error;
    throw classifyError(address.key, error);
  } finally {
    cancel();
  }
}

function classify(address: string, error: unknown): DialError | LocalDialError {
  // "Connection refused (os error 111)" → "connection refused"
  const text = ((error as Error)?.message ?? String(error)).replace(/ \(os error \d+\)$/, "");
  const message = text.charAt(0).toLowerCase() + text.slice(1);
  if (isLocalError(error)) return new LocalDialError(address, message, { cause: error });
  const kind: FailureKind = error instanceof Deno.errors.ConnectionRefused
    ? "refused"
    : error instanceof Deno.errors.TimedOut
    ? "timeout"
    : error instanceof Deno.errors.ConnectionReset
    ? "reset"
    : /unreachable|EHOSTUNREACH|ENETUNREACH/i.test(message)
    ? "unreachable"
    : "error";
  return new DialError(kind, address, message, { cause: error });
}

/** node's error codes for a failed connect, as a failure class and the words we show. */
const NODE_DIAL_ERRORS: Readonly<Record<string, readonly [FailureKind, string]>> = {
  ECONNREFUSED: ["refused", "connection refused"],
  ETIMEDOUT: ["timeout", "connection timed out"],
  ECONNRESET: ["reset", "connection reset"],
  EHOSTUNREACH: ["unreachable", "host unreachable"],
  ENETUNREACH: ["unreachable", "network unreachable"],
};

/**
 * Dials a session's backend on the node:net data path (a `TcpDialer` for
 * tcp sessions, a `SocketDialer` for protocol sessions), like
 * `dialAborting`: the deadline aborts the caller's own controller.
 *
 * @throws {DialError} classified: refused, timeout, unreachable, reset or error
 * @throws {LocalDialError} when the failure is this process's, not the backend's
 */
export function dialSession<C = TcpConnection>(
  dialer: (options: DialOptions) => Promise<C>,
  address: { readonly key: string; readonly hostname: string; readonly port: number },
  timeoutMs: number,
  abort: AbortController,
  timers: Pick<Scheduler, "after">,
): Promise<C> {
  return dialWithin(dialer, address, timeoutMs, abort, timers, classifyNode);
}

/** A node:net connect error by its code, else as `classify` does. */
function classifyNode(address: string, error: unknown): DialError | LocalDialError {
  const code = (error as { code?: unknown })?.code;
  const known = typeof code === "string" ? NODE_DIAL_ERRORS[code] : undefined;
  if (known !== undefined) return new DialError(known[0], address, known[1], { cause: error });
  return classify(address, error);
}
