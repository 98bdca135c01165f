/**
 * Benchmarks of the Toxiproxy-compatible server against Toxiproxy's own
 * performance targets: with no toxics a proxied hop adds < 300 µs, and a
 * 100 ms latency toxic still lets ≥ 100 MB/s through.
 *
 * Run: `deno run --allow-net toxiproxy/bench.ts [--mb 512] [--trips 5000]`
 *
 * Everything binds 127.0.0.1:0 and runs in this one process (server, upstream
 * and client share the event loop, which is the pessimistic case).
 *
 * @module
 */
import { startToxiproxy } from "./start_toxiproxy.ts";
import { writeAll } from "../src/net/mod.ts";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

async function readExactly(conn: Deno.Conn, buf: Uint8Array): Promise<void> {
  let got = 0;
  while (got < buf.length) {
    const n = await conn.read(buf.subarray(got));
    if (n === null) throw new Error("EOF");
    got += n;
  }
}

function serve(
  listener: Deno.TcpListener,
  handle: (conn: Deno.TcpConn) => Promise<void>,
): Promise<void> {
  return (async () => {
    try {
      for await (const conn of listener) {
        handle(conn).catch(() => {}).finally(() => {
          try {
            conn.close();
          } catch { /* closed */ }
        });
      }
    } catch { /* listener closed */ }
  })();
}

/** Median round trip of `trips` 16-byte echoes, in µs. */
async function roundTripUs(port: number, trips: number): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  conn.setNoDelay(true);
  const msg = new Uint8Array(16).fill(1);
  const back = new Uint8Array(16);
  const samples: number[] = [];
  for (let i = 0; i < trips + 500; i++) {
    const start = performance.now();
    await writeAll(conn, msg);
    await readExactly(conn, back);
    if (i >= 500) samples.push((performance.now() - start) * 1000);
  }
  conn.close();
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/** MB/s of `mb` megabytes sent one way into a sink, first write to last byte received. */
async function throughput(port: number, mb: number, received: () => number, reset: () => void) {
  reset();
  const total = mb * 1024 * 1024;
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const chunk = new Uint8Array(64 * 1024);
  const start = performance.now();
  for (let sent = 0; sent < total; sent += chunk.length) await writeAll(conn, chunk);
  while (received() < total) await new Promise((resolve) => setTimeout(resolve, 1));
  const seconds = (performance.now() - start) / 1000;
  conn.close();
  return { mbps: total / 1e6 / seconds, seconds };
}

const trips = arg("trips", 5000);
const mb = arg("mb", 512);

const echoListener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const echoing = serve(echoListener, async (conn) => {
  conn.setNoDelay(true);
  const buf = new Uint8Array(64 * 1024);
  for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) {
    await writeAll(conn, buf.subarray(0, n));
  }
});
let sunk = 0;
const sinkListener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const sinking = serve(sinkListener, async (conn) => {
  const buf = new Uint8Array(256 * 1024);
  for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) sunk += n;
});
const echoPort = (echoListener.addr as Deno.NetAddr).port;
const sinkPort = (sinkListener.addr as Deno.NetAddr).port;

const tp = await startToxiproxy({ port: 0 });
async function proxy(name: string, upstreamPort: number, toxics: unknown[] = []): Promise<number> {
  const res = await fetch(`${tp.url}/proxies`, {
    method: "POST",
    body: JSON.stringify({ name, listen: "127.0.0.1:0", upstream: `127.0.0.1:${upstreamPort}` }),
  });
  const { listen } = await res.json();
  for (const toxic of toxics) {
    await (await fetch(`${tp.url}/proxies/${name}/toxics`, {
      method: "POST",
      body: JSON.stringify(toxic),
    })).body?.cancel();
  }
  return Number(listen.slice(listen.lastIndexOf(":") + 1));
}

const echoProxy = await proxy("echo", echoPort);
const sinkProxy = await proxy("sink", sinkPort);
const latencyProxy = await proxy("latency", sinkPort, [
  { type: "latency", stream: "upstream", attributes: { latency: 100 } },
]);

const direct = await roundTripUs(echoPort, trips);
const viaProxy = await roundTripUs(echoProxy, trips);
const addedRoundTrip = viaProxy - direct;
console.log(
  `round trip, 16 B, median of ${trips}: direct ${direct.toFixed(1)} µs, proxied ${
    viaProxy.toFixed(1)
  } µs`,
);
console.log(
  `added by the proxy: ${addedRoundTrip.toFixed(1)} µs per round trip = ${
    (addedRoundTrip / 2).toFixed(1)
  } µs per hop (target < 300 µs)`,
);
const reset = () => (sunk = 0);
const raw = await throughput(sinkPort, mb, () => sunk, reset);
const proxied = await throughput(sinkProxy, mb, () => sunk, reset);
const delayed = await throughput(latencyProxy, mb, () => sunk, reset);
const steady = (mb * 1024 * 1024) / 1e6 / (delayed.seconds - 0.1);
console.log(
  `throughput, ${mb} MB one way: direct ${raw.mbps.toFixed(0)} MB/s, proxied ${
    proxied.mbps.toFixed(0)
  } MB/s`,
);
console.log(
  `through a 100 ms latency toxic: ${delayed.mbps.toFixed(0)} MB/s end to end, ${
    steady.toFixed(0)
  } MB/s once the first byte is through (target ≥ 100 MB/s)`,
);

await tp.close();
echoListener.close();
sinkListener.close();
await Promise.all([echoing, sinking]);
Deno.exit(0);
