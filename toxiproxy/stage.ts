/**
 * A toxic's run loop on one connection direction: reads from its input
 * queue, writes to its output, and can be interrupted and restarted with
 * new attributes without losing a chunk.
 * @module
 */

import { type Chunk, type ChunkQueue, END, type QueueItem } from "./chunk_queue.ts";

export { END };

/** A toxic's attributes: every attribute of its type, as an integer. */
export type Attributes = Readonly<Record<string, number>>;

/** Per connection-direction state of one toxic; it survives updates (limit_data's count). */
export type ToxicState = Record<string, number>;

/** `recv()` result when the stage was interrupted (update, removal, teardown). */
export const INTERRUPTED: unique symbol = Symbol("INTERRUPTED");
/** `recv()` result when its deadline passed first. */
export const TIMED_OUT: unique symbol = Symbol("TIMED_OUT");

/** What a toxic's `pipe` uses to move data; one per running stage. */
export interface StageIo {
  /** Next item from the input; END stays queued so a restart sees it again. */
  recv(deadlineMs?: number): Promise<QueueItem | typeof INTERRUPTED | typeof TIMED_OUT>;
  /** Hands a chunk on at once, then waits for room downstream (cut short by an interrupt). */
  send(chunk: Chunk): Promise<void>;
  /** Waits `ms`; false when interrupted first. */
  sleep(ms: number): Promise<boolean>;
  /** Waits `ms` whatever happens (reset_peer's wait cannot be interrupted). */
  sleepThrough(ms: number): Promise<void>;
  /** Closes this direction: END goes downstream and the input is dropped. */
  end(): void;
  /** True once an interrupt was asked for. */
  readonly interrupted: boolean;
  /** The link clock, in ms. */
  now(): number;
  /** A number in [0, 1). */
  random(): number;
}

/** A toxic type: its attributes, validation and data behaviour. */
export interface ToxicType {
  /** The API name, e.g. `latency`. */
  readonly name: string;
  /** Attribute keys in output order. */
  readonly attributeNames: readonly string[];
  /** How many chunks may queue in front of it (latency pipelines 1024). */
  readonly bufferSize: number;
  /** Removing it closes the connection (timeout) instead of passing held data on. */
  readonly closesOnRemove: boolean;
  /** Its Go struct, as the real server names it in decoding errors (`LatencyToxic`). */
  readonly goName: string;
  /** The Go type of its attributes in those errors (`int64`; the slicer's are `int`). */
  readonly goAttributeType: "int" | "int64";
  /** Moves data from input to output until END, a close or an interrupt. */
  pipe(io: StageIo, attributes: Attributes, state: ToxicState): Promise<void>;
}

/** The configuration a stage runs. */
export interface StageToxic {
  readonly type: ToxicType;
  readonly attributes: Attributes;
  readonly toxicity: number;
}

/** Timers cannot wait longer than this (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Passes everything through; what a toxic runs when its toxicity draw says no. */
export async function passThrough(io: StageIo): Promise<void> {
  while (true) {
    const item = await io.recv();
    if (item === INTERRUPTED || item === TIMED_OUT) return;
    if (item === END) return io.end();
    await io.send(item);
    if (io.interrupted) return;
  }
}

/** Options for a {@linkcode Stage}. */
export interface StageOptions {
  /** The link clock in ms. */
  now: () => number;
  /** A number in [0, 1). */
  random: () => number;
}

/**
 * One toxic on one direction of one connection: a loop from `input` to
 * `output` that can be interrupted and restarted with new attributes.
 */
export class Stage implements StageIo {
  input: ChunkQueue;
  output: ChunkQueue;
  toxic: StageToxic;
  readonly state: ToxicState = {};
  #options: StageOptions;
  #finished = false;
  #interrupted = false;
  #killed = false;
  #running: Promise<void> | undefined;
  #cancel: (() => void) | undefined;
  #cancelHard: (() => void) | undefined;

  /** Creates a stopped stage; call `start()`. */
  constructor(toxic: StageToxic, input: ChunkQueue, output: ChunkQueue, options: StageOptions) {
    this.toxic = toxic;
    this.input = input;
    this.output = output;
    this.#options = options;
  }

  /** True once the toxic passed END on or closed the direction; it never runs again. */
  get finished(): boolean {
    return this.#finished;
  }

  /** True once an interrupt was asked for. */
  get interrupted(): boolean {
    return this.#interrupted;
  }

  /** Runs the toxic, or a pass-through when the toxicity draw says no. */
  start(): void {
    if (this.#finished || this.#killed || this.#running !== undefined) return;
    this.#interrupted = false;
    const { type, attributes, toxicity } = this.toxic;
    const active = this.#options.random() < toxicity;
    const run = active ? type.pipe(this, attributes, this.state) : passThrough(this);
    this.#running = run.catch(() => this.end()).finally(() => {
      this.#running = undefined;
    });
  }

  /** Stops the loop at its next wait and resolves once it has returned. */
  async interrupt(): Promise<void> {
    const running = this.#running;
    if (running === undefined) return;
    this.#interrupted = true;
    this.#cancel?.();
    await running;
  }

  /** Stops the loop for good, cutting even an uninterruptible wait short (teardown). */
  async shutdown(): Promise<void> {
    this.#killed = true;
    this.#finished = true;
    this.#cancelHard?.();
    await this.interrupt();
  }

  /** {@inheritDoc StageIo.recv} */
  async recv(deadlineMs?: number): Promise<QueueItem | typeof INTERRUPTED | typeof TIMED_OUT> {
    while (true) {
      if (this.#interrupted || this.input.dead) return INTERRUPTED;
      const item = this.input.shift();
      if (item !== undefined) return item;
      let timer: ReturnType<typeof setTimeout> | undefined;
      if (deadlineMs !== undefined) {
        const wait = deadlineMs - this.now();
        if (wait <= 0) return TIMED_OUT;
        await new Promise<void>((resolve) => {
          this.#cancel = resolve;
          timer = setTimeout(resolve, Math.min(Math.ceil(wait), MAX_TIMER_MS));
          this.input.waitItem().then(resolve);
        });
        clearTimeout(timer);
      } else {
        await new Promise<void>((resolve) => {
          this.#cancel = resolve;
          this.input.waitItem().then(resolve);
        });
      }
      this.#cancel = undefined;
    }
  }

  /** {@inheritDoc StageIo.send} */
  async send(chunk: Chunk): Promise<void> {
    this.output.push(chunk);
    while (!this.#interrupted && !this.output.hasSpace()) {
      await new Promise<void>((resolve) => {
        this.#cancel = resolve;
        this.output.waitSpace().then(resolve);
      });
      this.#cancel = undefined;
    }
  }

  /** {@inheritDoc StageIo.sleep} */
  sleep(ms: number): Promise<boolean> {
    if (this.#interrupted) return Promise.resolve(false);
    if (!(ms > 0)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#cancel = undefined;
        resolve(true);
      }, Math.min(Math.ceil(ms), MAX_TIMER_MS));
      this.#cancel = () => {
        this.#cancel = undefined;
        clearTimeout(timer);
        resolve(false);
      };
    });
  }

  /** {@inheritDoc StageIo.sleepThrough} */
  sleepThrough(ms: number): Promise<void> {
    if (!(ms > 0) || this.#killed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#cancelHard = undefined;
        resolve();
      }, Math.min(Math.ceil(ms), MAX_TIMER_MS));
      this.#cancelHard = () => {
        this.#cancelHard = undefined;
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** {@inheritDoc StageIo.end} */
  end(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.output.push(END);
    this.input.kill();
  }

  /** {@inheritDoc StageIo.now} */
  now(): number {
    return this.#options.now();
  }

  /** {@inheritDoc StageIo.random} */
  random(): number {
    return this.#options.random();
  }
}
