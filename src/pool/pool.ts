/**
 * A frontend's backends, keyed by address. Applying a new set of specs is a
 * diff: unchanged addresses keep their load and health, new ones join,
 * vanished ones are retired: they take no new sessions and stay listed
 * until their sessions are gone (drained), and an address that comes back
 * while retired is revived with its state.
 * @module
 */

import { Backend, type BackendSpec, type FailureKind } from "./backend.ts";
import { Lease } from "./lease.ts";
import { pickBackend } from "./pick.ts";

/** What `Pool.apply` changed. */
export interface PoolDiff {
  readonly added: readonly Backend[];
  readonly removed: readonly Backend[];
  readonly updated: readonly Backend[];
}

/** The backends of one frontend and the leases on them. */
export class Pool {
  readonly #backends = new Map<string, Backend>();
  readonly #retired = new Map<string, Backend>();
  // Drained backends, remembered so a returning address keeps its counters
  // (metrics counters only go up). Bounded: the oldest are forgotten.
  readonly #gone = new Map<string, Backend>();
  readonly #releaseListeners = new Set<(backend: Backend) => void>();
  #sequence = 0;
  // Iterable more than once: a pick that slow start declines looks again.
  readonly #live: Iterable<Backend> = { [Symbol.iterator]: () => this.#backends.values() };

  /** Every current backend, in tier order then insertion order. */
  get backends(): readonly Backend[] {
    return [...this.#backends.values()].sort((a, b) => a.spec.tier - b.spec.tier);
  }

  /** Removed backends that still have sessions. */
  get retired(): readonly Backend[] {
    return [...this.#retired.values()];
  }

  /** The live backend with this address, if any. */
  get(key: string): Backend | undefined {
    return this.#backends.get(key);
  }

  /** Moves retired backends whose last session has ended out of the listing. */
  pruneRetired(): void {
    for (const [key, backend] of this.#retired) {
      if (backend.load > 0) continue;
      this.#retired.delete(key);
      this.#gone.set(key, backend);
      if (this.#gone.size > MAX_REMEMBERED) {
        this.#gone.delete(this.#gone.keys().next().value as string);
      }
    }
  }

  /**
   * Makes the pool hold exactly `specs`. An address listed twice keeps its
   * first (most preferred) entry.
   */
  apply(specs: readonly BackendSpec[]): PoolDiff {
    const wanted = new Map<string, BackendSpec>();
    for (const spec of specs) if (!wanted.has(spec.key)) wanted.set(spec.key, spec);
    const added: Backend[] = [];
    const removed: Backend[] = [];
    const updated: Backend[] = [];
    for (const [key, backend] of this.#backends) {
      if (wanted.has(key)) continue;
      this.#backends.delete(key);
      this.#retired.set(key, backend);
      removed.push(backend);
    }
    this.pruneRetired();
    for (const [key, spec] of wanted) {
      const existing = this.#backends.get(key);
      const gone = this.#gone.get(key);
      gone?.forgetHealth();
      const revived = this.#retired.get(key) ?? gone;
      if (existing === undefined && revived !== undefined) {
        this.#retired.delete(key);
        this.#gone.delete(key);
        revived.respec(spec);
        this.#backends.set(key, revived);
        added.push(revived);
      } else if (existing === undefined) {
        const backend = new Backend(spec);
        this.#backends.set(key, backend);
        added.push(backend);
      } else if (!sameSpec(existing.spec, spec)) {
        existing.respec(spec);
        updated.push(existing);
      }
    }
    return { added, removed, updated };
  }

  /**
   * Leases the best backend at `now`, or undefined when none can take a
   * session; `admit` may pass over a chosen backend (see `pickBackend`).
   */
  acquire(now: number, admit?: (backend: Backend) => boolean): Lease | undefined {
    const backend = pickBackend(this.#live, now, this.#sequence++, admit);
    return backend === undefined ? undefined : new Lease(backend, this.#notifyRelease);
  }

  /**
   * Takes a backend out of picks for `durationMs` after a failure; after
   * that it needs a successful probe (`recovered`) to take sessions again.
   */
  disable(backend: Backend, kind: FailureKind, message: string, now: number, durationMs: number) {
    backend.failures.fail(kind, message, now, durationMs);
  }

  /** A probe or dial succeeded: the backend takes sessions again. */
  recovered(backend: Backend): void {
    backend.failures.succeed();
  }

  /** Calls `listener` whenever a lease is released; returns its removal. */
  onRelease(listener: (backend: Backend) => void): () => void {
    this.#releaseListeners.add(listener);
    return () => this.#releaseListeners.delete(listener);
  }

  readonly #notifyRelease = (backend: Backend): void => {
    for (const listener of this.#releaseListeners) listener(backend);
  };
}

const MAX_REMEMBERED = 1024;

function sameSpec(a: BackendSpec, b: BackendSpec): boolean {
  return a.tier === b.tier && a.tierName === b.tierName && a.maxConnections === b.maxConnections &&
    a.dialTimeoutMs === b.dialTimeoutMs && a.configDisabled === b.configDisabled;
}
