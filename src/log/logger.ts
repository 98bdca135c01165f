/**
 * Structured logging with levels: human-readable text by default, JSON lines
 * on request. A `Logger` is passed down, never imported as a global.
 * @module
 */

/** Severity, in increasing order. */
export type Level = "debug" | "info" | "warn" | "error";

/** Extra key/value context for a log line. */
export type Fields = Readonly<Record<string, string | number | boolean | undefined>>;

/** Where the sidecar's log lines go. */
export interface Logger {
  debug(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
  /** Writes out lines still buffered (before an abrupt exit). */
  flush(): void;
  /**
   * Whether lines of `level` are written, so a caller can skip gathering
   * what only such a line would show. Absent: assume they are.
   */
  enabled?(level: Level): boolean;
}

const RANK: Readonly<Record<Level, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Options for `createLogger`. */
export interface LoggerOptions {
  /** The least severe level written. @default "info" */
  readonly level?: Level;
  /** `text` for people, `json` for log pipelines. @default "text" */
  readonly format?: "text" | "json";
  /** Receives each formatted line (without newline). @default buffered writes to stderr */
  readonly write?: (line: string) => void;
  /** The time source for timestamps. @default Date.now */
  readonly now?: () => number;
}

/** Makes a logger that formats each line and hands it to `write`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const stderr = options.write === undefined ? new BufferedStderr() : undefined;
  const {
    level = "info",
    format = "text",
    write = (line: string) => stderr?.write(line),
    now = Date.now,
  } = options;
  const emit = (lineLevel: Level, message: string, fields: Fields = {}) => {
    if (RANK[lineLevel] < RANK[level]) return;
    const time = new Date(now()).toISOString();
    write(
      format === "json"
        ? JSON.stringify({ time, level: lineLevel, msg: message, ...fields })
        : formatText(time, lineLevel, message, fields),
    );
  };
  return {
    debug: (message, fields) => emit("debug", message, fields),
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
    flush: () => stderr?.flush(),
    enabled: (lineLevel) => RANK[lineLevel] >= RANK[level],
  };
}

/** A logger that drops everything, for tests and library users who log elsewhere. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  flush: () => {},
  enabled: () => false,
};

function formatText(time: string, level: Level, message: string, fields: Fields): string {
  let line = `${time} ${level.toUpperCase().padEnd(5)} ${message}`;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const text = String(value);
    line += ` ${key}=${/[\s"=]/.test(text) || text === "" ? JSON.stringify(text) : text}`;
  }
  return line;
}

const encoder = new TextEncoder();

/**
 * Lines gathered and written to stderr once per event-loop turn: one write
 * per burst instead of one syscall per line (the access log is written for
 * every session, on the connection hot path).
 */
class BufferedStderr {
  #lines: string[] = [];
  #scheduled = false;

  write(line: string): void {
    this.#lines.push(line);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setTimeout(() => this.flush(), 0);
  }

  flush(): void {
    this.#scheduled = false;
    if (this.#lines.length === 0) return;
    const text = `${this.#lines.join("\n")}\n`;
    this.#lines = [];
    try {
      const bytes = encoder.encode(text);
      for (let written = 0; written < bytes.length;) {
        written += Deno.stderr.writeSync(bytes.subarray(written));
      }
    } catch {
      // stderr closed: nothing better to do with log lines.
    }
  }
}
