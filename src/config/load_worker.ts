/**
 * Runs config parsing (and, on reload, a module's import) in a Worker with
 * a wall-clock limit, so a slow or hostile file never stalls the proxy's
 * event loop: the Worker is terminated at the deadline.
 * @module
 */

import { type Scheduler, systemScheduler } from "../scheduler.ts";
import { LOAD_WORKER_SOURCE } from "./load_worker_source.ts";

/** Bounds on what a config may cost to load. */
export interface LoadLimits {
  /** Wall-clock limit for one load, in ms. */
  readonly timeoutMs: number;
  /** Largest config text, in bytes (UTF-16 code units). */
  readonly maxBytes: number;
  /** Most mapping keys in the whole document. */
  readonly maxKeys: number;
  /** Deepest nesting of mappings and lists. */
  readonly maxDepth: number;
  /** Most alias expansions (YAML `*name`), against alias bombs. */
  readonly maxAliasCount: number;
}

/** The limits every load uses unless told otherwise. */
export const DEFAULT_LOAD_LIMITS: LoadLimits = {
  timeoutMs: 5_000,
  maxBytes: 4 * 1024 * 1024,
  maxKeys: 100_000,
  maxDepth: 64,
  maxAliasCount: 100,
};

/** What the Worker is asked to do. */
export type LoadRequest =
  | { readonly kind: "yaml" | "json"; readonly text: string }
  | { readonly kind: "module"; readonly url: string };

/** A problem at a 1-based line and column (0 when unknown). */
export interface PositionedProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** What the Worker answers. */
export type LoadReply =
  | { readonly value: unknown }
  | { readonly problems: readonly PositionedProblem[] }
  | { readonly importError: string }
  | { readonly noDefault: true }
  | { readonly timedOut: true };

/** Runs one request in a fresh Worker; resolves with its reply, or `timedOut`. */
export function runInWorker(
  request: LoadRequest,
  limits: LoadLimits = DEFAULT_LOAD_LIMITS,
  scheduler: Scheduler = systemScheduler,
): Promise<LoadReply> {
  const url = URL.createObjectURL(
    new Blob([LOAD_WORKER_SOURCE], { type: "application/javascript" }),
  );
  const worker = new Worker(url, { type: "module" });
  const done = Promise.withResolvers<LoadReply>();
  const cancel = scheduler.after(limits.timeoutMs, () => done.resolve({ timedOut: true }));
  worker.onmessage = (event: MessageEvent<LoadReply>) => done.resolve(event.data);
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    done.resolve({ problems: [{ line: 0, column: 0, message: event.message }] });
  };
  worker.postMessage({ ...request, limits });
  return done.promise.finally(() => {
    cancel();
    worker.terminate();
    URL.revokeObjectURL(url);
  });
}
