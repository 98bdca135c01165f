/**
 * Runs config parsing (and, on reload, a module's import) in a Worker with
 * a wall-clock limit, so a slow or hostile file never stalls the proxy's
 * event loop: the Worker is terminated at the deadline.
 * @module
 */

import { type Scheduler, systemScheduler } from "../scheduler.ts";
import { LOAD_WORKER_SOURCE } from "./load_worker_source.ts";
import { CONFIG_SCHEMA } from "./schema.ts";
import type { Spec } from "./schema_types.ts";

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
  timeoutMs: 20_000,
  maxBytes: 4 * 1024 * 1024,
  maxKeys: 100_000,
  maxDepth: 64,
  maxAliasCount: 100,
};

/**
 * The schema's key tree as plain data (`o`: an object's fields, `l`: a
 * list's items, `0`: a leaf). The Worker prunes what the schema cannot use
 * (the values of unknown keys, mappings where a leaf belongs) before
 * posting, because receiving a structured clone costs the main thread
 * about 2.5 µs per key (100 ms for 40,000).
 */
export type Shape = 0 | { readonly o: Readonly<Record<string, Shape>> } | { readonly l: Shape };

/** The shape of a spec. */
export function shapeOf(spec: Spec): Shape {
  if (spec.kind === "object") {
    return {
      o: Object.fromEntries(Object.entries(spec.fields).map(([k, f]) => [k, shapeOf(f.spec)])),
    };
  }
  return spec.kind === "list" ? { l: shapeOf(spec.items) } : 0;
}

const CONFIG_SHAPE = shapeOf(CONFIG_SCHEMA);

/** What the Worker is asked to do. */
export type LoadRequest =
  | { readonly kind: "yaml" | "json"; readonly text: string }
  | { readonly kind: "module"; readonly url: string }
  | { readonly kind: "ping" };

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

/**
 * A config-loading Worker that can serve many loads. Creating a Worker
 * blocks the creating thread (tens of ms, over 100 ms on a busy machine),
 * so the reloader keeps one, made before traffic arrives, for YAML and
 * JSON; a load past its time limit terminates it (the next load makes a
 * new one).
 */
export class LoadWorker implements Disposable {
  readonly #scheduler: Scheduler;
  #worker: Worker | undefined;
  #url: string | undefined;
  #nextId = 0;
  readonly #pending = new Map<number, (reply: LoadReply) => void>();

  constructor(scheduler: Scheduler = systemScheduler) {
    this.#scheduler = scheduler;
  }

  /** Makes the Worker now, so the first load does not pay for it. */
  warm(): void {
    this.#ensure();
  }

  /**
   * Makes the Worker and waits until it has loaded its code (npm:yaml: some
   * forty files opened one by one). Awaited before any socket listens: a
   * Worker still loading when a flood of clients takes every descriptor
   * dies of EMFILE, and its files, opened and closed as the flood runs,
   * make the accept loops meet EMFILE at random.
   */
  async ready(): Promise<void> {
    await this.run({ kind: "ping" });
  }

  /** Runs one request; resolves with the reply, or `timedOut` (then the Worker is gone). */
  run(request: LoadRequest, limits: LoadLimits = DEFAULT_LOAD_LIMITS): Promise<LoadReply> {
    const worker = this.#ensure();
    const id = this.#nextId++;
    const done = Promise.withResolvers<LoadReply>();
    this.#pending.set(id, done.resolve);
    const cancel = this.#scheduler.after(limits.timeoutMs, () => {
      this.#stop({ timedOut: true });
    });
    // The text goes as bytes whose buffer is moved, not copied, to the Worker.
    const common = { id, kind: request.kind, limits, shape: CONFIG_SHAPE };
    if (request.kind === "module") worker.postMessage({ ...common, url: request.url });
    else if (request.kind === "ping") worker.postMessage(common);
    else {
      const bytes = new TextEncoder().encode(request.text);
      worker.postMessage({ ...common, bytes }, [bytes.buffer]);
    }
    return done.promise.finally(cancel);
  }

  [Symbol.dispose](): void {
    this.#stop({ problems: [{ line: 0, column: 0, message: "the loader was closed" }] });
  }

  #ensure(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    this.#url = URL.createObjectURL(
      new Blob([LOAD_WORKER_SOURCE], { type: "application/javascript" }),
    );
    const worker = new Worker(this.#url, { type: "module" });
    worker.onmessage = (event: MessageEvent<LoadReply & { id: number }>) => {
      const { id, ...reply } = event.data;
      const resolve = this.#pending.get(id);
      this.#pending.delete(id);
      resolve?.(reply as LoadReply);
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#stop({ problems: [{ line: 0, column: 0, message: event.message }] });
    };
    this.#worker = worker;
    return worker;
  }

  /** Terminates the Worker, answering every pending load with `reply`. */
  #stop(reply: LoadReply): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    if (this.#url !== undefined) URL.revokeObjectURL(this.#url);
    this.#url = undefined;
    for (const resolve of this.#pending.values()) resolve(reply);
    this.#pending.clear();
  }
}

/** Runs one request in a fresh Worker; resolves with its reply, or `timedOut`. */
export async function runInWorker(
  request: LoadRequest,
  limits: LoadLimits = DEFAULT_LOAD_LIMITS,
  scheduler: Scheduler = systemScheduler,
): Promise<LoadReply> {
  using worker = new LoadWorker(scheduler);
  return await worker.run(request, limits);
}
