/**
 * Runs the real `iaido` CLI as a subprocess, as users do, and watches what
 * it prints.
 * @module
 */

import { waitFor } from "./wait.ts";

/** The project's CLI entry point. */
export const MAIN_TS = new URL("../../main.ts", import.meta.url).pathname;

/** How to run the CLI. */
export interface CliOptions {
  /** Deno permission flags. @default ["--allow-all"] */
  readonly permissions?: readonly string[];
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  /** The program to run instead of the project's main.ts (e.g. a user's own main.ts). */
  readonly script?: string;
  /** Runs it under `ulimit -n` of this many descriptors (through bash). @default the test's own */
  readonly fdLimit?: number;
}

/** A CLI process that is still running. */
export interface RunningCli extends AsyncDisposable {
  readonly child: Deno.ChildProcess;
  /** Everything printed so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Sends a signal (ignored once the process has exited). */
  kill(signal: Deno.Signal): void;
  /** Waits for the process to end; resolves with its exit code once output is read. */
  exited(): Promise<number>;
  /** Waits until stdout or stderr matches `pattern`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

/** The `deno` arguments that run the CLI (or `options.script`) with `args`. */
export function cliRunArgs(
  args: readonly string[],
  options: Pick<CliOptions, "permissions" | "script"> = {},
): string[] {
  return ["run", ...(options.permissions ?? ["--allow-all"]), options.script ?? MAIN_TS, ...args];
}

/** Starts the CLI with `args`. */
export function startCli(args: readonly string[], options: CliOptions = {}): RunningCli {
  const deno = [Deno.execPath(), ...cliRunArgs(args, options)];
  // bash sets the limit (soft and hard: Deno raises its soft limit to the hard one), then
  // becomes deno (exec): same process, same pid.
  const [program, ...programArgs] = options.fdLimit === undefined
    ? deno
    : ["bash", "-c", 'ulimit -n "$0" && exec "$@"', String(options.fdLimit), ...deno];
  const command = new Deno.Command(program as string, {
    args: programArgs,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: { NO_COLOR: "1", ...options.env },
  });
  const child = command.spawn();
  const output = { stdout: "", stderr: "" };
  const collect = async (stream: ReadableStream<Uint8Array>, key: "stdout" | "stderr") => {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) output[key] += text;
  };
  const readers = Promise.all([collect(child.stdout, "stdout"), collect(child.stderr, "stderr")]);
  let running = true;
  const exited = (async () => {
    const status = await child.status;
    running = false;
    await readers;
    return status.code;
  })();
  return {
    child,
    get stdout() {
      return output.stdout;
    },
    get stderr() {
      return output.stderr;
    },
    kill(signal) {
      if (!running) return;
      try {
        child.kill(signal);
      } catch {
        // Exited in between.
      }
    },
    exited: () => exited,
    waitForOutput: (pattern, timeoutMs = 15_000) =>
      waitFor(() => output.stdout.match(pattern) ?? output.stderr.match(pattern), {
        timeoutMs,
        message:
          `${pattern} in output\n--- stdout:\n${output.stdout}\n--- stderr:\n${output.stderr}`,
      }).catch((error) => {
        throw new Error(
          `${
            (error as Error).message
          }\n--- stdout:\n${output.stdout}\n--- stderr:\n${output.stderr}`,
        );
      }),
    async [Symbol.asyncDispose]() {
      this.kill("SIGKILL");
      await exited;
    },
  };
}

/** Runs the CLI to completion. */
export async function runCli(
  args: readonly string[],
  options: CliOptions = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  await using cli = startCli(args, options);
  const code = await cli.exited();
  return { code, stdout: cli.stdout, stderr: cli.stderr };
}

/**
 * Starts the CLI and waits for its `listening on` lines (one per frontend);
 * returns the process and the bound addresses.
 */
export async function startSidecarCli(
  args: readonly string[],
  frontends: number,
  options: CliOptions = {},
): Promise<{ cli: RunningCli; addresses: string[] }> {
  const cli = startCli(args, options);
  try {
    await waitFor(
      () => [...cli.stdout.matchAll(/^listening on (\S+)$/gm)].length >= frontends,
      { timeoutMs: 20_000, message: `${frontends} "listening on" line(s)` },
    );
  } catch (error) {
    await cli[Symbol.asyncDispose]();
    throw new Error(`${(error as Error).message}\n--- stderr:\n${cli.stderr}`);
  }
  const addresses = [...cli.stdout.matchAll(/^listening on (\S+)$/gm)].map((m) => m[1] as string);
  return { cli, addresses };
}
