/**
 * One proxied connection: two directions, each a reader, a chain of toxic
 * stages and a writer, torn down together as Toxiproxy does.
 * @module
 */

import type net from "node:net";
import { ChunkQueue, END } from "./chunk_queue.ts";
import { Stage } from "./stage.ts";
import type { StreamDirection, ToxicConfig } from "./toxic_config.ts";

/** Items that may wait between two stages that do not ask for more. */
const DEFAULT_QUEUE_CAPACITY = 8;

/** Byte counts of one finished connection direction. */
export interface DirectionTotals {
  readonly direction: StreamDirection;
  /** Bytes read from the source. */
  readonly received: number;
  /** Bytes written to the destination. */
  readonly sent: number;
}

/** Options for a {@linkcode Link}. */
export interface LinkOptions {
  /** The accepted client socket. */
  readonly client: net.Socket;
  /** The dialled upstream socket. */
  readonly upstream: net.Socket;
  /** The proxy's toxics when the connection was made, per chain, in order. */
  readonly toxics: readonly ToxicConfig[];
  /** Close both sockets with an RST (SO_LINGER 0), as when a reset_peer existed at accept. */
  readonly resetOnClose: boolean;
  /** The clock in ms. */
  readonly now: () => number;
  /** A number in [0, 1). */
  readonly random: () => number;
  /** Called once per direction when it ends, with its byte counts. */
  readonly onDirectionEnd?: (totals: DirectionTotals) => void;
}

interface Direction {
  readonly name: StreamDirection;
  readonly source: net.Socket;
  readonly dest: net.Socket;
  readonly tail: ChunkQueue;
  readonly stages: Stage[];
  readonly names: string[];
  received: number;
  sent: number;
  sourceEnded: boolean;
  paused: boolean;
}

/**
 * One proxied connection: two directions, each a chain of toxic stages from
 * its source socket to its destination socket. Chains change while data
 * flows; when either direction ends, its destination is fully closed, which
 * ends the other direction too (half-close is not passed on, like Toxiproxy).
 */
export class Link {
  readonly #options: LinkOptions;
  readonly #directions: Record<StreamDirection, Direction>;
  #closed = false;
  #done: Promise<void> | undefined;

  /** Builds the chains; call `start()` to move data. */
  constructor(options: LinkOptions) {
    this.#options = options;
    const make = (name: StreamDirection, source: net.Socket, dest: net.Socket): Direction => ({
      name,
      source,
      dest,
      tail: new ChunkQueue(DEFAULT_QUEUE_CAPACITY),
      stages: [],
      names: [],
      received: 0,
      sent: 0,
      sourceEnded: false,
      paused: false,
    });
    this.#directions = {
      upstream: make("upstream", options.client, options.upstream),
      downstream: make("downstream", options.upstream, options.client),
    };
    for (const toxic of options.toxics) this.#append(toxic);
  }

  /** Resolves once both directions have ended and every stage has stopped. */
  get done(): Promise<void> {
    return this.#done ?? Promise.resolve();
  }

  /** Starts reading both sockets and writing both destinations. */
  start(): void {
    const { upstream, downstream } = this.#directions;
    this.#startReader(upstream);
    this.#startReader(downstream);
    const writers = [this.#writeLoop(upstream), this.#writeLoop(downstream)];
    this.#done = Promise.all(writers).then(() => this.#teardown());
  }

  /** Appends a toxic to its chain on this live connection. */
  addToxic(toxic: ToxicConfig): void {
    if (this.#closed) return;
    this.#append(toxic);
  }

  /** Restarts a toxic's stage with new attributes and a fresh toxicity draw. */
  async updateToxic(toxic: ToxicConfig): Promise<void> {
    const direction = this.#directions[toxic.direction];
    const index = direction.names.indexOf(toxic.name);
    const stage = direction.stages[index];
    if (stage === undefined || this.#closed) return;
    await stage.interrupt();
    stage.toxic = toxic;
    if (!this.#closed) stage.start();
  }

  /**
   * Takes a toxic out of its chain. What it holds goes straight on, except
   * for a toxic that closes on removal (timeout): that closes the direction.
   */
  async removeToxic(toxic: ToxicConfig): Promise<void> {
    const direction = this.#directions[toxic.direction];
    const index = direction.names.indexOf(toxic.name);
    const stage = direction.stages[index];
    if (stage === undefined) return;
    await stage.interrupt();
    // The chain may have moved while we waited.
    const at = direction.stages.indexOf(stage);
    if (at < 0) return;
    if (toxic.type.closesOnRemove) {
      stage.input.kill();
      stage.output.push(END);
    } else {
      stage.input.moveTo(stage.output);
    }
    const previous = direction.stages[at - 1];
    if (previous !== undefined) previous.output = stage.output;
    direction.stages.splice(at, 1);
    direction.names.splice(at, 1);
    stage.input.kill();
  }

  /** Closes both sockets at once (RST when reset-on-close) and stops everything. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      for (const socket of [this.#options.client, this.#options.upstream]) {
        this.#destroy(socket);
      }
      for (const direction of Object.values(this.#directions)) {
        direction.tail.kill();
        for (const stage of direction.stages) stage.input.kill();
      }
    }
    return this.done;
  }

  #append(toxic: ToxicConfig): void {
    const direction = this.#directions[toxic.direction];
    const capacity = Math.max(DEFAULT_QUEUE_CAPACITY, toxic.type.bufferSize);
    const input = new ChunkQueue(capacity);
    const stage = new Stage(toxic, input, direction.tail, this.#options);
    const last = direction.stages.at(-1);
    if (last !== undefined) last.output = input;
    direction.stages.push(stage);
    direction.names.push(toxic.name);
    stage.start();
  }

  #head(direction: Direction): ChunkQueue {
    return direction.stages[0]?.input ?? direction.tail;
  }

  #startReader(direction: Direction): void {
    const { source } = direction;
    const now = this.#options.now;
    source.on("data", (data: Uint8Array) => {
      direction.received += data.length;
      const head = this.#head(direction);
      head.push({ data, at: now() });
      if (!head.hasSpace()) this.#pauseUntilSpace(direction);
    });
    const ended = () => {
      if (direction.sourceEnded) return;
      direction.sourceEnded = true;
      this.#head(direction).push(END);
    };
    source.on("end", ended);
    source.on("error", ended);
    source.on("close", ended);
    if (source.destroyed) ended();
    else source.resume();
  }

  #pauseUntilSpace(direction: Direction): void {
    if (direction.paused) return;
    direction.paused = true;
    direction.source.pause();
    const check = (): void => {
      const head = this.#head(direction);
      if (this.#closed || direction.sourceEnded || head.hasSpace()) {
        direction.paused = false;
        if (!this.#closed && !direction.source.destroyed) direction.source.resume();
      } else {
        head.waitSpace().then(check);
      }
    };
    this.#head(direction).waitSpace().then(check);
  }

  async #writeLoop(direction: Direction): Promise<void> {
    const { tail, dest } = direction;
    while (!this.#closed) {
      const item = tail.shift();
      if (item === undefined) {
        await tail.waitItem();
        continue;
      }
      if (item === END || dest.destroyed) break;
      direction.sent += item.data.length;
      if (!dest.write(item.data)) await drained(dest);
    }
    tail.kill();
    if (!this.#closed) await this.#closeAfterFlush(dest);
    this.#options.onDirectionEnd?.({
      direction: direction.name,
      received: direction.received,
      sent: direction.sent,
    });
  }

  async #closeAfterFlush(socket: net.Socket): Promise<void> {
    if (socket.destroyed) return;
    await flushed(socket);
    if (this.#options.resetOnClose) {
      this.#destroy(socket);
      return;
    }
    await new Promise<void>((resolve) => {
      socket.once("close", () => resolve());
      socket.end(() => {
        socket.destroy();
        resolve();
      });
    });
  }

  #destroy(socket: net.Socket): void {
    if (socket.destroyed) return;
    if (this.#options.resetOnClose) socket.resetAndDestroy();
    else socket.destroy();
  }

  async #teardown(): Promise<void> {
    this.#closed = true;
    const stages = Object.values(this.#directions).flatMap((d) => d.stages);
    for (const stage of stages) stage.input.kill();
    await Promise.all(stages.map((stage) => stage.shutdown()));
    for (const socket of [this.#options.client, this.#options.upstream]) this.#destroy(socket);
  }
}

/** Resolves when the socket can take more writes, or is gone. */
function drained(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off("drain", done);
      socket.off("close", done);
      resolve();
    };
    socket.on("drain", done);
    socket.on("close", done);
  });
}

/** Resolves when everything written so far has been handed to the kernel, or the socket is gone. */
function flushed(socket: net.Socket): Promise<void> {
  if (socket.destroyed || socket.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      socket.off("close", done);
      resolve();
    };
    socket.on("close", done);
    socket.write(new Uint8Array(0), done);
  });
}
