/**
 * Where the demo writes: in a terminal, messages scroll above a live table
 * that is redrawn in place; elsewhere (CI, a pipe), timestamped lines.
 * @module
 */

import { type SessionRecord } from "./storyline.ts";
import { table } from "./display.ts";

/** The demo's output. */
export class Screen {
  readonly tty: boolean;
  readonly #encoder = new TextEncoder();
  #drawnLines = 0;

  constructor(tty = Deno.stdout.isTerminal()) {
    this.tty = tty;
  }

  /** Prints a message above the live table (terminal) or as a timestamped line. */
  say(message: string): void {
    if (this.tty && this.#drawnLines > 0) this.#write(`\x1b[${this.#drawnLines}F\x1b[J`);
    this.#write(`${new Date().toISOString().slice(11, 23)}  ${message}\n`);
    this.#drawnLines = 0;
  }

  /** Redraws the live table in place (terminal only). */
  draw(records: readonly SessionRecord[], step: string, progress: number): void {
    if (!this.tty) return;
    const lines = table(records, step, progress);
    const up = this.#drawnLines > 0 ? `\x1b[${this.#drawnLines}F` : "";
    this.#write(`${up}${lines.map((line) => `${line}\x1b[K`).join("\n")}\n`);
    this.#drawnLines = lines.length;
  }

  #write(text: string): void {
    Deno.stdout.writeSync(this.#encoder.encode(text));
  }
}
