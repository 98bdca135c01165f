/**
 * What an idle proxied connection costs, layer by layer: a fresh process
 * per layer and repetition holds N idle clients, and the growth of its
 * VmRSS per client is that layer's cost. Layers: an accepted socket, plus
 * a dialled one, plus a pending 512-byte read on each, plus the copy
 * loops, the same with `node:net` piped; then the sidecar's own node:net
 * path (an accepted socket, plus a dialled one, plus reading through
 * `onread`, plus the `Relay`) and the real sidecar. The differences
 * are the budget bench/README.md writes down.
 *
 * Run: `deno task bench:idle [--connections N]
 * [--reps N] [--only LAYER,...] [--sidecar-main FILE]` (default 2000
 * connections, 3 repetitions, every layer; medians).
 * @module
 */

import { parseArgs } from "node:util";
import { RECOMMENDED_V8_FLAGS } from "../../src/runtime/mod.ts";
import { Children } from "../process.ts";
import { readVmRssKib } from "../procfs.ts";
import { median } from "../stats.ts";
import { startSidecar } from "../tools/sidecar.ts";
import { budgetRows, type LayerFigure, renderBudget } from "./budget.ts";
import { type Layer, LAYERS } from "./layers.ts";

const LAYERS_MAIN = new URL("./layers.ts", import.meta.url).pathname;
const PING = new TextEncoder().encode("PING\r\n");
const PONG = new TextEncoder().encode("+PONG\r\n");
const WARM_UP = 50;
/** The layers a PING gets through. */
const FORWARDS: readonly Layer[] = ["forward", "node-net", "tcp-relay"];
const AT_ONCE = 50;

/** Which layer each builds on. */
const OVER: Record<Layer | "sidecar", string | undefined> = {
  accept: undefined,
  dial: "accept",
  reads: "dial",
  forward: "reads",
  "node-net": "dial",
  "node-socket": undefined,
  "tcp-accept": "node-socket",
  "tcp-dial": "tcp-accept",
  "tcp-relay": "tcp-dial",
  sidecar: "tcp-relay",
};

/** A backend that answers each read with +PONG and holds its connections. */
function startPongServer(): { port: number; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  void (async () => {
    try {
      for await (const conn of listener) {
        conns.add(conn);
        void (async () => {
          const buffer = new Uint8Array(64);
          try {
            while ((await conn.read(buffer)) !== null) await conn.write(PONG);
          } catch {
            // Closed.
          } finally {
            conns.delete(conn);
            try {
              conn.close();
            } catch {
              // Closed by close().
            }
          }
        })();
      }
    } catch {
      // Listener closed.
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    close() {
      listener.close();
      for (const conn of conns) conn.close();
    },
  };
}

/** Opens `count` clients to `port`, `AT_ONCE` at a time; with `ping`, each completes a PING. */
async function openClients(port: number, count: number, ping: boolean): Promise<Deno.TcpConn[]> {
  const conns: Deno.TcpConn[] = [];
  while (conns.length < count) {
    const batch = Math.min(AT_ONCE, count - conns.length);
    conns.push(
      ...await Promise.all(Array.from({ length: batch }, async () => {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        if (ping) {
          await conn.write(PING);
          if ((await conn.read(new Uint8Array(16))) === null) throw new Error("closed before PONG");
        }
        return conn;
      })),
    );
  }
  return conns;
}

/** A process holding idle clients of one layer. */
interface Holder {
  readonly pid: number;
  readonly port: number;
  /** Whether it forwards, so clients can PING through it. */
  readonly forwards: boolean;
  /** Resolves once it holds `total` clients. */
  waitHeld(total: number): Promise<void>;
  stop(): Promise<void>;
}

async function startHolder(
  children: Children,
  dir: string,
  layer: Layer | "sidecar",
  backendPort: number,
  sidecarMain: string | undefined,
): Promise<Holder> {
  if (layer === "sidecar") {
    const sidecar = await startSidecar(children, dir, [{ name: "pong", backendPort }], {
      logLevel: "warn",
      main: sidecarMain,
    });
    return {
      pid: sidecar.child.pid,
      port: sidecar.ports.get("pong") as number,
      forwards: true,
      // Every client completed a PING through it, so its session exists.
      waitHeld: () => Promise.resolve(),
      stop: () => sidecar.child.stop(),
    };
  }
  const child = children.spawn(layer, Deno.execPath(), [
    "run",
    RECOMMENDED_V8_FLAGS,
    "--allow-net",
    LAYERS_MAIN,
    layer,
    String(backendPort),
  ]);
  const [match] = await child.waitForOutput(/^port (\d+)$/, 1, 30_000);
  return {
    pid: child.pid,
    port: Number(match?.[1]),
    forwards: FORWARDS.includes(layer),
    waitHeld: async (total) => {
      await child.waitForOutput(/^held \d+$/, Math.floor(total / 100), 60_000);
    },
    stop: () => child.stop(),
  };
}

/** KiB of VmRSS growth per idle client of `layer`, in a fresh process. */
async function measure(
  children: Children,
  dir: string,
  layer: Layer | "sidecar",
  backendPort: number,
  count: number,
  sidecarMain: string | undefined,
): Promise<number> {
  const holder = await startHolder(children, dir, layer, backendPort, sidecarMain);
  try {
    // Warm code paths and allocators, so the baseline is not a cold process.
    for (const conn of await openClients(holder.port, WARM_UP, holder.forwards)) conn.close();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = await readVmRssKib(holder.pid);
    const conns = await openClients(holder.port, count, holder.forwards);
    try {
      await holder.waitHeld(WARM_UP + count);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return (await readVmRssKib(holder.pid) - before) / count;
    } finally {
      for (const conn of conns) conn.close();
    }
  } finally {
    await holder.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      connections: { type: "string", default: "2000" },
      reps: { type: "string", default: "3" },
      only: { type: "string" },
      "sidecar-main": { type: "string" },
    },
    strict: true,
  });
  const count = Number(values.connections);
  const reps = Number(values.reps);
  if (!Number.isInteger(count) || count < 100 || count % 100 !== 0) {
    throw new TypeError(
      `--connections must be a multiple of 100, at least 100: current value is ${count}`,
    );
  }
  if (!Number.isInteger(reps) || reps < 1) {
    throw new TypeError(`--reps must be a positive integer: current value is ${values.reps}`);
  }
  const all = [...LAYERS, "sidecar" as const];
  const wanted = values.only?.split(",") ?? all;
  const unknown = wanted.filter((layer) => !(all as string[]).includes(layer));
  if (unknown.length > 0) {
    throw new TypeError(`--only: unknown layer ${unknown.join(", ")} (one of ${all.join(", ")})`);
  }
  const layers = all.filter((layer) => wanted.includes(layer));
  await using children = new Children();
  const dir = await Deno.makeTempDir({ prefix: "iaido-idle-budget-" });
  const backend = startPongServer();
  const samples = new Map<string, number[]>();
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const layer of layers) {
        const kib = await measure(
          children,
          dir,
          layer,
          backend.port,
          count,
          values["sidecar-main"],
        );
        (samples.get(layer) ?? samples.set(layer, []).get(layer) as number[]).push(kib);
        console.error(`  ${layer} ${rep + 1}/${reps}: ${kib.toFixed(2)} KiB/conn`);
      }
    }
  } finally {
    backend.close();
    await Deno.remove(dir, { recursive: true });
  }
  const figures: LayerFigure[] = [...samples].map(([layer, values]) => ({
    layer,
    kib: median(values),
    ...(OVER[layer as Layer] === undefined ? {} : { over: OVER[layer as Layer] as string }),
  }));
  console.log(renderBudget(budgetRows(figures)));
  console.log(`${count} idle connections per fresh process, medians of ${reps}`);
}

if (import.meta.main) await main();
