/**
 * Running the bench's tools: one-shot commands with a deadline, and
 * long-running children (backends, proxies) that are always stopped, even
 * when a step fails.
 * @module
 */

import { freePort } from "../src/testing/mod.ts";

/** What a finished command printed. */
export interface ToolOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options for `runTool`. */
export interface RunToolOptions {
  /** Exit codes that are not a failure (the caller parses the output). @default [0] */
  readonly okCodes?: readonly number[];
  /** Registers the process while it runs, so a signal handler can kill it too. @default none */
  readonly children?: Children;
}

/**
 * Runs `command` to its end, killing it when `timeoutMs` passes first.
 *
 * @throws {Error} on a timeout or an exit code not in `okCodes`
 */
export async function runTool(
  command: string,
  args: readonly string[],
  timeoutMs: number,
  options: RunToolOptions = {},
): Promise<ToolOutput> {
  const { okCodes = [0], children } = options;
  const timeout = AbortSignal.timeout(timeoutMs);
  const proc = new Deno.Command(command, {
    args: [...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: timeout,
  }).spawn();
  using _adopted = children?.adopt(proc);
  const output = await proc.output();
  const decoder = new TextDecoder();
  const result = {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
  if (timeout.aborted) {
    throw new Error(`${command} ${args.join(" ")}: killed after ${timeoutMs} ms`);
  }
  if (!okCodes.includes(result.code)) {
    throw new Error(
      `${command} ${args.join(" ")}: exit code ${result.code}\n${result.stderr.slice(-2000)}`,
    );
  }
  return result;
}

/** Most output kept per stream of a child: enough for errors, bounded for chatty logs. */
const KEPT_OUTPUT_CHARS = 64 * 1024;

/** A long-running process the bench started. */
export interface Child {
  readonly name: string;
  readonly pid: number;
  /** The last `KEPT_OUTPUT_CHARS` printed on stdout and stderr. */
  readonly output: { stdout: string; stderr: string };
  /** Resolves with the exit code once the process has ended and its output is read. */
  readonly exited: Promise<number>;
  /**
   * Waits until `stream` (stdout unless told) matches `pattern` `count` times
   * and returns all matches; throws on exit or timeout.
   */
  waitForOutput(
    pattern: RegExp,
    count: number,
    timeoutMs: number,
    stream?: "stdout" | "stderr",
  ): Promise<RegExpMatchArray[]>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Every long-running child of one bench run. Disposing it stops them all,
 * newest first; `killAllNow` is for signal handlers that cannot wait.
 */
export class Children implements AsyncDisposable {
  readonly #running = new Set<Deno.ChildProcess>();
  readonly #children: Child[] = [];
  /** Pids of spawned (long-running) children that have not exited. */
  readonly #livePids = new Set<number>();

  /** Starts `command` with piped output that is always drained. */
  spawn(name: string, command: string, args: readonly string[]): Child {
    const proc = new Deno.Command(command, {
      args: [...args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    this.#running.add(proc);
    this.#livePids.add(proc.pid);
    const output = { stdout: "", stderr: "" };
    let changed = Promise.withResolvers<void>();
    const collect = async (stream: ReadableStream<Uint8Array>, key: "stdout" | "stderr") => {
      for await (const text of stream.pipeThrough(new TextDecoderStream())) {
        output[key] = (output[key] + text).slice(-KEPT_OUTPUT_CHARS);
        changed.resolve();
        changed = Promise.withResolvers<void>();
      }
    };
    const readers = Promise.all([
      collect(proc.stdout, "stdout"),
      collect(proc.stderr, "stderr"),
    ]);
    let running = true;
    const exited = (async () => {
      const status = await proc.status;
      running = false;
      this.#running.delete(proc);
      this.#livePids.delete(proc.pid);
      await readers;
      changed.resolve();
      return status.code;
    })();
    const describe = () =>
      `${name} (pid ${proc.pid})\n--- stdout:\n${output.stdout.slice(-2000)}\n--- stderr:\n${
        output.stderr.slice(-2000)
      }`;
    const child: Child = {
      name,
      pid: proc.pid,
      output,
      exited,
      async waitForOutput(pattern, count, timeoutMs, stream = "stdout") {
        const deadline = Date.now() + timeoutMs;
        while (true) {
          const matches = [...output[stream].matchAll(new RegExp(pattern.source, "gm"))];
          if (matches.length >= count) return matches;
          if (!running) throw new Error(`${describe()}\nexited before printing ${pattern}`);
          const left = deadline - Date.now();
          if (left <= 0) throw new Error(`${describe()}\nno ${pattern} after ${timeoutMs} ms`);
          let timer: ReturnType<typeof setTimeout> | undefined;
          await Promise.race([
            changed.promise,
            new Promise((resolve) => timer = setTimeout(resolve, Math.min(left, 100))),
          ]);
          clearTimeout(timer);
        }
      },
      async stop(graceMs = 3000) {
        if (running) signal(proc, "SIGTERM");
        let timer: ReturnType<typeof setTimeout> | undefined;
        const killed = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            if (running) signal(proc, "SIGKILL");
            resolve();
          }, graceMs);
        });
        await Promise.race([exited, killed]);
        clearTimeout(timer);
        await exited;
      },
    };
    this.#children.push(child);
    return child;
  }

  /** Process ids of the long-running children still running (for their CPU time). */
  runningPids(): number[] {
    return [...this.#livePids];
  }

  /** Tracks a short-lived process (see `runTool`) until the returned handle is disposed. */
  adopt(proc: Deno.ChildProcess): Disposable {
    this.#running.add(proc);
    return { [Symbol.dispose]: () => this.#running.delete(proc) };
  }

  /** SIGKILLs every child still running, without waiting. */
  killAllNow(): void {
    for (const proc of this.#running) signal(proc, "SIGKILL");
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const child of this.#children.reverse()) await child.stop();
    this.#children.length = 0;
  }
}

function signal(proc: Deno.ChildProcess, name: Deno.Signal): void {
  try {
    proc.kill(name);
  } catch {
    // Exited in between.
  }
}

/** Waits until `127.0.0.1:port` accepts a connection; closes the probe at once. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`127.0.0.1:${port} not accepting after ${timeoutMs} ms`, {
          cause: error,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export { freePort };
