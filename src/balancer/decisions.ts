/**
 * The recent decisions (failover, spill, failback, drain, reload …), kept
 * in a bounded ring so `/statusz` can say why traffic moved.
 * @module
 */

/** What kind of decision. */
export type DecisionKind =
  | "failover"
  | "spill"
  | "return"
  | "failback"
  | "drain"
  | "disable"
  | "recover"
  | "health"
  | "discovery"
  | "latency"
  | "reload";

/** One decision, with its time and reason in plain words. */
export interface Decision {
  readonly at: number;
  readonly kind: DecisionKind;
  readonly frontend: string;
  readonly backend?: string;
  readonly reason: string;
}

/** A ring buffer of the last `capacity` decisions. */
export class DecisionLog {
  readonly capacity: number;
  readonly #entries: Decision[] = [];
  readonly #listeners = new Set<(decision: Decision) => void>();
  #total = 0;

  constructor(capacity = 200) {
    this.capacity = capacity;
  }

  /** Decisions ever recorded (the ring keeps only the last `capacity`). */
  get total(): number {
    return this.#total;
  }

  /** Records a decision. */
  record(decision: Decision): void {
    this.#total++;
    this.#entries.push(decision);
    if (this.#entries.length > this.capacity) this.#entries.shift();
    for (const listener of this.#listeners) listener(decision);
  }

  /** The kept decisions, oldest first. */
  entries(): readonly Decision[] {
    return [...this.#entries];
  }

  /** Calls `listener` for every new decision; returns its removal. */
  subscribe(listener: (decision: Decision) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
