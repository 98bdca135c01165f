/**
 * The real Toxiproxy server (Shopify's Go `toxiproxy-server`), started as a
 * subprocess on a free loopback port, so a test or the chaos suite can run
 * the same calls against it and against ours. The binary is found only
 * through the project's shared-tools lookup; when it is absent the caller
 * gets `undefined` and skips with `missingToolLine` of `src/testing`.
 * @module
 */

import { refusedPort, sharedTool } from "../src/testing/mod.ts";

/** A running real Toxiproxy. */
export interface ReferenceToxiproxy extends AsyncDisposable {
  /** The API base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The binary that runs. */
  readonly path: string;
  /** Its process id. */
  readonly pid: number;
  /** Stops the process (SIGTERM, then SIGKILL); safe to call twice. */
  close(): Promise<void>;
}

/** Options for {@linkcode startReferenceToxiproxy}. */
export interface ReferenceToxiproxyOptions {
  /** The binary. @default {the shared tools' `toxiproxy-server`} */
  readonly path?: string;
  /** Extra flags, e.g. `["-proxy-metrics"]`. @default {[]} */
  readonly args?: readonly string[];
  /** How long to wait for its API to answer. @default {10000} */
  readonly startTimeoutMs?: number;
}

/** Ports taken between our probe and its bind are retried this many times. */
const START_ATTEMPTS = 5;

/**
 * Starts the real Toxiproxy on 127.0.0.1 and a free port; resolves once
 * `/version` answers, or `undefined` when the binary is not there.
 */
export async function startReferenceToxiproxy(
  options: ReferenceToxiproxyOptions = {},
): Promise<ReferenceToxiproxy | undefined> {
  const path = options.path ?? sharedTool("toxiproxy-server");
  if (path === undefined) return undefined;
  const failures: string[] = [];
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const started = await tryStart(path, refusedPort(), options);
    if (typeof started !== "string") return started;
    failures.push(started);
  }
  throw new Error(`${path} did not start: ${failures.join("; ")}`);
}

/** One start on `port`: the running server, or why it did not come up. */
async function tryStart(
  path: string,
  port: number,
  options: ReferenceToxiproxyOptions,
): Promise<ReferenceToxiproxy | string> {
  const child = new Deno.Command(path, {
    args: ["-host", "127.0.0.1", "-port", String(port), ...(options.args ?? [])],
    // Its per-connection info lines are noise for us; warnings still show why a start failed.
    env: { LOG_LEVEL: "warn" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const tail: string[] = [];
  const drains = [child.stdout, child.stderr].map((stream) => keepTail(stream, tail));
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const url = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (!exited) {
        try {
          child.kill("SIGTERM");
        } catch { /* it already exited */ }
        const timer = setTimeout(() => {
          if (!exited) child.kill("SIGKILL");
        }, 3_000);
        await status;
        clearTimeout(timer);
      }
      await Promise.all(drains);
    })();
    return closing;
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  while (Date.now() < deadline && !exited) {
    if (await answers(`${url}/version`)) {
      return { url, path, pid: child.pid, close, [Symbol.asyncDispose]: close };
    }
    await Promise.race([status, new Promise((resolve) => setTimeout(resolve, 25))]);
  }
  await close();
  return `port ${port}: ${exited ? "exited" : "no answer"}: ${tail.join(" | ") || "no output"}`;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** Reads `stream` to its end, keeping its last few lines in `tail`. */
async function keepTail(stream: ReadableStream<Uint8Array>, tail: string[]): Promise<void> {
  const lines = stream.pipeThrough(new TextDecoderStream());
  let pending = "";
  for await (const text of lines) {
    const parts = (pending + text).split("\n");
    pending = parts.pop() ?? "";
    for (const line of parts) {
      if (line.trim() === "") continue;
      tail.push(line.slice(0, 300));
      if (tail.length > 5) tail.shift();
    }
  }
}
