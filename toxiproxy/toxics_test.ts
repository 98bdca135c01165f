/**
 * Tests of every toxic over real sockets: latency, bandwidth, slow_close,
 * timeout, reset_peer, slicer, limit_data and noop, added, updated and
 * removed on live connections.
 *
 * Every upper bound on a real duration adds the event loop's worst lateness
 * over the same span (`LoopLag`): a machine too busy to run this process on
 * time delays the toxic and the test alike, and must not fail the test.
 * @module
 */

import assert from "node:assert/strict";
import { LoopLag } from "../src/testing/mod.ts";
import { startToxiproxy, type ToxiproxyServer } from "./start_toxiproxy.ts";
import {
  api,
  connect,
  echo,
  pattern,
  portOf,
  readExactly,
  readToEnd,
  startUpstream,
  type Upstream,
  waitFor,
  writeAll,
} from "./test_util.ts";

const text = new TextEncoder();

interface ToxicBody {
  name?: string;
  type: string;
  stream?: string;
  toxicity?: number;
  attributes?: Record<string, number>;
}

/** Creates a proxy to `upstream` with the given toxics; returns its port. */
async function proxyWith(
  tp: ToxiproxyServer,
  name: string,
  upstream: Upstream,
  toxics: ToxicBody[] = [],
): Promise<number> {
  const p = await api(tp.url, "POST", "/proxies", {
    name,
    listen: "127.0.0.1:0",
    upstream: upstream.address,
  });
  assert.equal(p.status, 201, p.text);
  for (const toxic of toxics) {
    const t = await api(tp.url, "POST", `/proxies/${name}/toxics`, toxic);
    assert.equal(t.status, 200, t.text);
  }
  return portOf(p.json.listen);
}

async function roundTripMs(conn: Deno.Conn, data: Uint8Array): Promise<number> {
  const start = performance.now();
  const [, back] = await Promise.all([writeAll(conn, data), readExactly(conn, data.length)]);
  assert.deepEqual(back, data);
  return performance.now() - start;
}

/** An upstream that records when bytes arrive and everything it got. */
function recordingUpstream() {
  const arrivals: { at: number; bytes: number }[] = [];
  const chunks: Uint8Array[] = [];
  const ended = Promise.withResolvers<"eof" | "reset" | "error">();
  const upstream = startUpstream(async (conn) => {
    const buf = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await conn.read(buf);
        if (n === null) return ended.resolve("eof");
        arrivals.push({ at: performance.now(), bytes: n });
        chunks.push(buf.slice(0, n));
      }
    } catch (error) {
      ended.resolve(error instanceof Deno.errors.ConnectionReset ? "reset" : "error");
    }
  });
  const received = () => chunks.reduce((a, c) => a + c.length, 0);
  const data = () => {
    const out = new Uint8Array(received());
    let off = 0;
    for (const c of chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  };
  return { upstream, arrivals, received, data, ended: ended.promise };
}

Deno.test("latency: a 32 KB echo takes up + down within tolerance for each split", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const cases: [number, number][] = [[100, 0], [0, 100], [100, 100], [1000, 100], [100, 1000], [
    0,
    0,
  ]];
  const message = pattern(32 * 1024);
  using lag = new LoopLag();
  await Promise.all(cases.map(async ([up, down], i) => {
    const toxics: ToxicBody[] = [];
    if (up) toxics.push({ type: "latency", stream: "upstream", attributes: { latency: up } });
    if (down) toxics.push({ type: "latency", attributes: { latency: down } });
    const port = await proxyWith(tp, `l${i}`, upstream, toxics);
    using conn = await connect(port);
    const ms = await roundTripMs(conn, message);
    assert.ok(ms >= up + down - 1, `${up}/${down}: ${ms.toFixed(1)} ms is too fast`);
    assert.ok(
      ms <= up + down + 150 + lag.worstMs,
      `${up}/${down}: ${ms.toFixed(1)} ms is too slow (the loop ran ${
        lag.worstMs.toFixed(0)
      } ms late)`,
    );
  }));
});

Deno.test("latency: one-way upstream delay holds, and jitter stays within ±jitter", async () => {
  const rec = recordingUpstream();
  await using upstream = rec.upstream;
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "j", upstream, [
    { type: "latency", stream: "upstream", attributes: { latency: 100, jitter: 50 } },
  ]);
  using conn = await connect(port);
  using lag = new LoopLag();
  const sent = performance.now();
  await writeAll(conn, text.encode("tick"));
  await waitFor(() => rec.received() === 4, "data upstream");
  const ms = rec.arrivals[0]!.at - sent;
  assert.ok(ms >= 49 && ms <= 150 + 100 + lag.worstMs, `${ms.toFixed(1)} ms`);
});

Deno.test("latency: two upstream latency toxics of 500 ms add up to 1000 ms", async () => {
  const rec = recordingUpstream();
  await using upstream = rec.upstream;
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "two", upstream, [
    { name: "a", type: "latency", stream: "upstream", attributes: { latency: 500 } },
    { name: "b", type: "latency", stream: "upstream", attributes: { latency: 500 } },
  ]);
  using conn = await connect(port);
  using lag = new LoopLag();
  const sent = performance.now();
  await writeAll(conn, text.encode("x"));
  await waitFor(() => rec.received() === 1, "data upstream", 3000);
  const ms = rec.arrivals[0]!.at - sent;
  assert.ok(ms >= 999 && ms <= 1000 + 150 + lag.worstMs, `${ms.toFixed(1)} ms`);
});

Deno.test("latency added mid-connection applies to the next round trip; removal releases a held chunk", async () => {
  let echoed = 0;
  await using upstream = startUpstream(async (conn) => {
    const buf = new Uint8Array(1024);
    for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) {
      await writeAll(conn, buf.subarray(0, n));
      echoed += n;
    }
  });
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "mid", upstream);
  using conn = await connect(port);
  using lag = new LoopLag();
  assert.ok((await roundTripMs(conn, text.encode("a"))) < 100 + lag.worstMs);
  await api(tp.url, "POST", "/proxies/mid/toxics", {
    type: "latency",
    attributes: { latency: 150 },
  });
  assert.ok((await roundTripMs(conn, text.encode("b"))) >= 150);
  await api(tp.url, "PATCH", "/proxies/mid/toxics/latency_downstream", {
    attributes: { latency: 5000 },
  });
  const start = performance.now();
  const reply = readExactly(conn, 1, 3000);
  await writeAll(conn, text.encode("c"));
  await waitFor(() => echoed === 3, "the echo of c is held by the toxic");
  assert.equal((await api(tp.url, "DELETE", "/proxies/mid/toxics/latency_downstream")).status, 204);
  assert.deepEqual(await reply, text.encode("c"));
  assert.ok(performance.now() - start < 1000 + lag.worstMs, "the held chunk went on at removal");
});

Deno.test("toxicity 0 never acts; toxicity 1 always does", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "tox", upstream, [
    { type: "latency", toxicity: 0, attributes: { latency: 300 } },
  ]);
  using conn = await connect(port);
  assert.ok((await roundTripMs(conn, text.encode("a"))) < 200);
  await api(tp.url, "PATCH", "/proxies/tox/toxics/latency_downstream", { toxicity: 1 });
  assert.ok((await roundTripMs(conn, text.encode("b"))) >= 300);
});

Deno.test("noop toxics on both streams, then a reset on the live connection: echo still works", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "noop", upstream, [
    { type: "noop", stream: "upstream" },
    { type: "noop", stream: "downstream" },
  ]);
  using conn = await connect(port);
  await roundTripMs(conn, text.encode("one"));
  assert.equal((await api(tp.url, "POST", "/reset")).status, 204);
  await roundTripMs(conn, text.encode("two"));
  assert.equal(upstream.accepted, 1);
});

Deno.test("adding and removing toxics nonstop loses or corrupts nothing", async () => {
  const rec = recordingUpstream();
  await using sink = rec.upstream;
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const echoPort = await proxyWith(tp, "e", upstream);
  const sinkPort = await proxyWith(tp, "s", sink);
  let churning = true;
  const churn = (async () => {
    const kinds: ToxicBody[] = [
      { type: "latency", attributes: { latency: 1 } },
      { type: "noop" },
      { type: "slicer", attributes: { average_size: 7, size_variation: 3 } },
      { type: "bandwidth", attributes: { rate: 100000 } },
    ];
    for (let i = 0; churning; i++) {
      for (const proxy of ["e", "s"]) {
        const kind = kinds[i % kinds.length]!;
        const stream = i % 2 ? "upstream" : "downstream";
        await api(tp.url, "POST", `/proxies/${proxy}/toxics`, { ...kind, name: "t", stream });
        await api(tp.url, "DELETE", `/proxies/${proxy}/toxics/t`);
      }
    }
  })();
  try {
    using conn = await connect(echoPort);
    for (let i = 0; i < 100; i++) {
      const message = text.encode(`message number ${i} `.repeat(1 + (i % 7)));
      await roundTripMs(conn, message);
    }
    using numbered = await connect(sinkPort);
    const pair = new Uint8Array(2);
    for (let i = 0; i < 65535; i++) {
      pair[0] = i >> 8;
      pair[1] = i & 0xff;
      await writeAll(numbered, pair);
    }
    await numbered.closeWrite();
    assert.equal(await rec.ended, "eof");
  } finally {
    churning = false;
    await churn;
  }
  const data = rec.data();
  assert.equal(data.length, 65535 * 2);
  for (let i = 0; i < 65535; i++) {
    if (data[2 * i]! !== i >> 8 || data[2 * i + 1]! !== (i & 0xff)) {
      assert.fail(`value ${i} out of order`);
    }
  }
});

Deno.test("1000 cycles of add latency, connect, remove: the server survives", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "c", upstream);
  const call = (method: string, path: string, body?: unknown) =>
    tp.handler(
      new Request(`${tp.url}${path}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  for (let i = 0; i < 1000; i++) {
    const add = await call("POST", "/proxies/c/toxics", {
      type: "latency",
      attributes: { latency: 1 },
    });
    assert.equal(add.status, 200);
    await add.body?.cancel();
    const conn = await connect(port);
    conn.close();
    assert.equal((await call("DELETE", "/proxies/c/toxics/latency_downstream")).status, 204);
  }
  using conn = await connect(port);
  await roundTripMs(conn, text.encode("alive"));
});

Deno.test("bandwidth: 480 KB upstream at 1000 KB/s takes about 480 ms and arrives intact", async () => {
  const rec = recordingUpstream();
  await using upstream = rec.upstream;
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "bw", upstream, [
    { type: "bandwidth", stream: "upstream", attributes: { rate: 1000 } },
  ]);
  using conn = await connect(port);
  const data = pattern(480 * 1000);
  using lag = new LoopLag();
  const start = performance.now();
  await writeAll(conn, data);
  await waitFor(() => rec.received() === data.length, "all bytes upstream", 5000);
  const ms = rec.arrivals.at(-1)!.at - start;
  assert.ok(ms >= 470 && ms <= 480 + 250 + lag.worstMs, `${ms.toFixed(1)} ms`);
  assert.deepEqual(rec.data(), data);
});

Deno.test("bandwidth: a slow rate cuts a burst into rate×100-byte pieces 100 ms apart", async () => {
  const rec = recordingUpstream();
  await using upstream = rec.upstream;
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "slow", upstream, [
    { type: "bandwidth", stream: "upstream", attributes: { rate: 10 } },
  ]);
  using conn = await connect(port);
  const start = performance.now();
  await writeAll(conn, pattern(3000));
  await waitFor(() => rec.received() === 3000, "3 pieces", 3000);
  assert.ok(rec.arrivals.length >= 3, `${rec.arrivals.length} arrivals`);
  assert.ok(rec.arrivals[0]!.at - start >= 99);
  assert.ok(rec.arrivals.at(-1)!.at - start >= 299);
});

for (const rate of [0, -1]) {
  Deno.test(`bandwidth rate ${rate} holds the data; removing it from a busy link releases it without hanging`, async () => {
    await using upstream = startUpstream(echo);
    await using tp = await startToxiproxy({ port: 0 });
    const port = await proxyWith(tp, "zero", upstream, [
      { type: "bandwidth", stream: "upstream", attributes: { rate } },
      { type: "bandwidth", stream: "downstream", attributes: { rate } },
    ]);
    using conn = await connect(port);
    const data = pattern(256 * 1024);
    const reply = readExactly(conn, data.length, 5000);
    const writing = writeAll(conn, data);
    await waitFor(() => upstream.accepted === 1, "the link is up and busy");
    using lag = new LoopLag();
    const start = performance.now();
    assert.equal(
      (await api(tp.url, "DELETE", "/proxies/zero/toxics/bandwidth_upstream")).status,
      204,
    );
    assert.equal(
      (await api(tp.url, "DELETE", "/proxies/zero/toxics/bandwidth_downstream")).status,
      204,
    );
    assert.ok(performance.now() - start < 1000 + lag.worstMs);
    await writing;
    assert.deepEqual(await reply, data);
  });
}

Deno.test("slow_close: the client sees EOF only after the delay", async () => {
  await using upstream = startUpstream(async (conn) => {
    await writeAll(conn, text.encode("bye"));
  });
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "sc", upstream, [{
    type: "slow_close",
    attributes: { delay: 300 },
  }]);
  using lag = new LoopLag();
  const start = performance.now();
  using conn = await connect(port);
  const end = await readToEnd(conn);
  const ms = performance.now() - start;
  assert.equal(end.end, "eof");
  assert.equal(new TextDecoder().decode(end.data), "bye");
  assert.ok(ms >= 299 && ms < 300 + 300 + lag.worstMs, `${ms.toFixed(1)} ms`);
});

Deno.test("timeout 0 drops data and holds the connection; removing it closes both sides within 1 s", async () => {
  const rec = recordingUpstream();
  await using upstream = rec.upstream;
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "t0", upstream, [
    { type: "timeout", stream: "upstream", attributes: { timeout: 0 } },
  ]);
  using conn = await connect(port);
  await writeAll(conn, text.encode("dropped"));
  await waitFor(() => upstream.accepted === 1, "upstream connection");
  using lag = new LoopLag();
  const start = performance.now();
  assert.equal((await api(tp.url, "DELETE", "/proxies/t0/toxics/timeout_upstream")).status, 204);
  assert.equal((await readToEnd(conn, 5000)).end, "eof");
  assert.equal(await rec.ended, "eof");
  assert.ok(performance.now() - start < 1000 + lag.worstMs);
  assert.equal(rec.received(), 0);
});

Deno.test("timeout only drops its own direction", async () => {
  const rec = recordingUpstream();
  await using upstream = rec.upstream;
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "td", upstream, [{
    type: "timeout",
    attributes: { timeout: 0 },
  }]);
  using conn = await connect(port);
  await writeAll(conn, text.encode("up"));
  await waitFor(() => rec.received() === 2, "upstream bytes still arrive");
});

Deno.test("removing latency in front of timeout(0) with data queued finishes in under 1 s", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "lt", upstream, [
    { type: "latency", stream: "upstream", attributes: { latency: 10 } },
    { type: "timeout", stream: "upstream", attributes: { timeout: 0 } },
  ]);
  using conn = await connect(port);
  for (let i = 0; i < 20; i++) await writeAll(conn, pattern(1000));
  using lag = new LoopLag();
  const start = performance.now();
  assert.equal((await api(tp.url, "DELETE", "/proxies/lt/toxics/latency_upstream")).status, 204);
  assert.ok(performance.now() - start < 1000 + lag.worstMs);
});

Deno.test("timeout at toxicity 0 passes bytes; updated to toxicity 1 / 100 ms it closes in time", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "tt", upstream, [
    { type: "timeout", toxicity: 0, attributes: { timeout: 0 } },
  ]);
  using conn = await connect(port);
  await roundTripMs(conn, text.encode("pass"));
  using lag = new LoopLag();
  const start = performance.now();
  const updated = await api(tp.url, "PATCH", "/proxies/tt/toxics/timeout_downstream", {
    toxicity: 1,
    attributes: { timeout: 100 },
  });
  assert.equal(updated.status, 200);
  const end = await readToEnd(conn);
  const ms = performance.now() - start;
  assert.equal(end.end, "eof");
  assert.ok(ms >= 99 && ms < 100 + 300 + lag.worstMs, `${ms.toFixed(1)} ms`);
});

Deno.test("reset_peer added before connecting: the client and the upstream get ECONNRESET", async () => {
  const rec = recordingUpstream();
  await using upstream = rec.upstream;
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "rp", upstream, [
    { type: "reset_peer", stream: "upstream", attributes: { timeout: 0 } },
  ]);
  using conn = await connect(port);
  await writeAll(conn, text.encode("boom"));
  const end = await readToEnd(conn);
  assert.equal(end.end, "reset");
  assert.equal(await rec.ended, "reset");
  assert.equal(rec.received(), 0);
});

for (const stream of ["upstream", "downstream"]) {
  Deno.test(`reset_peer ${stream} with timeout 100: the reset comes about 100 ms after data`, async () => {
    await using upstream = startUpstream(echo);
    await using tp = await startToxiproxy({ port: 0 });
    const port = await proxyWith(tp, "rp", upstream, [
      { type: "reset_peer", stream, attributes: { timeout: 100 } },
    ]);
    using conn = await connect(port);
    using lag = new LoopLag();
    const start = performance.now();
    await writeAll(conn, text.encode("data"));
    const end = await readToEnd(conn);
    const ms = performance.now() - start;
    assert.equal(end.end, "reset");
    assert.ok(ms >= 99 && ms < 100 + 300 + lag.worstMs, `${ms.toFixed(1)} ms`);
  });
}

Deno.test("reset_peer on a connection made before it gives a plain FIN", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "fin", upstream);
  using conn = await connect(port);
  await roundTripMs(conn, text.encode("before"));
  await api(tp.url, "POST", "/proxies/fin/toxics", {
    type: "reset_peer",
    stream: "upstream",
    attributes: { timeout: 0 },
  });
  await writeAll(conn, text.encode("after"));
  assert.equal((await readToEnd(conn)).end, "eof");
});

Deno.test("disabling a proxy resets connections accepted while a reset_peer existed", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "dr", upstream, [
    { type: "reset_peer", stream: "upstream", attributes: { timeout: 60000 } },
  ]);
  using conn = await connect(port);
  await waitFor(() => upstream.accepted === 1, "upstream connection");
  await api(tp.url, "POST", "/proxies/dr", { enabled: false });
  assert.equal((await readToEnd(conn)).end, "reset");
});

Deno.test("the RST setting stays on a connection after its reset_peer toxic is removed", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "keep", upstream, [
    { type: "reset_peer", stream: "downstream", attributes: { timeout: 0 } },
  ]);
  using conn = await connect(port);
  await waitFor(() => upstream.accepted === 1, "upstream connection");
  await api(tp.url, "DELETE", "/proxies/keep/toxics/reset_peer_downstream");
  await roundTripMs(conn, text.encode("still fine"));
  await api(tp.url, "POST", "/proxies/keep", { enabled: false });
  assert.equal((await readToEnd(conn)).end, "reset");
});

Deno.test("limit_data: 10 of 100 bytes arrive, then EOF", async () => {
  await using upstream = startUpstream(async (conn) => {
    await writeAll(conn, pattern(100));
    await conn.read(new Uint8Array(1));
  });
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "ld", upstream, [{
    type: "limit_data",
    attributes: { bytes: 10 },
  }]);
  using conn = await connect(port);
  const end = await readToEnd(conn);
  assert.equal(end.end, "eof");
  assert.deepEqual(end.data, pattern(100).subarray(0, 10));
});

Deno.test("limit_data: the count survives an update", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "lu", upstream, [{
    type: "limit_data",
    attributes: { bytes: 100 },
  }]);
  using conn = await connect(port);
  await roundTripMs(conn, pattern(50));
  await api(tp.url, "PATCH", "/proxies/lu/toxics/limit_data_downstream", {
    attributes: { bytes: 120 },
  });
  await writeAll(conn, pattern(100));
  const end = await readToEnd(conn);
  assert.equal(end.end, "eof");
  assert.equal(end.data.length, 70);
});

Deno.test("limit_data 0 keeps an idle connection open, and closes at the first chunk", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "l0", upstream, [
    { type: "limit_data", stream: "upstream", attributes: { bytes: 0 } },
  ]);
  using conn = await connect(port);
  await waitFor(() => upstream.accepted === 1, "upstream connection");
  await writeAll(conn, text.encode("x"));
  const end = await readToEnd(conn);
  assert.equal(end.end, "eof");
  assert.equal(end.data.length, 0);
});

Deno.test("slicer: 480 KB through slicers on both streams comes back byte for byte", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const slicer = { type: "slicer", attributes: { average_size: 1024, size_variation: 512 } };
  const port = await proxyWith(tp, "sl", upstream, [
    { ...slicer, stream: "upstream" },
    { ...slicer, stream: "downstream" },
  ]);
  using conn = await connect(port);
  await roundTripMs(conn, pattern(480 * 1000));
});

Deno.test("slicer: attributes the real server chokes on still deliver every byte", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "odd", upstream, [
    { name: "zero", type: "slicer", stream: "upstream", attributes: { average_size: 0 } },
    {
      name: "equal",
      type: "slicer",
      stream: "downstream",
      attributes: { average_size: 100, size_variation: 100 },
    },
    {
      name: "wider",
      type: "slicer",
      stream: "downstream",
      attributes: { average_size: 10, size_variation: 400 },
    },
  ]);
  using conn = await connect(port);
  await roundTripMs(conn, pattern(20 * 1000));
});

Deno.test("slicer: 1000 bytes at 100 ± 50 with 20 ms delays arrive as spaced pieces", async () => {
  await using upstream = startUpstream(async (conn) => {
    await writeAll(conn, pattern(1000));
    await conn.read(new Uint8Array(1));
  });
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "sp", upstream, [
    { type: "slicer", attributes: { average_size: 100, size_variation: 50, delay: 20000 } },
  ]);
  using conn = await connect(port);
  const start = performance.now();
  const got = await readExactly(conn, 1000, 3000).then((d) => ({
    d,
    ms: performance.now() - start,
  }));
  assert.deepEqual(got.d, pattern(1000));
  // At least 1000/150 pieces, 20 ms apart.
  assert.ok(got.ms >= 6 * 20 - 1, `${got.ms.toFixed(1)} ms`);
});

Deno.test("toxics added to a disabled proxy survive disable and enable and apply to new connections", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "dis", upstream);
  await api(tp.url, "POST", "/proxies/dis", { enabled: false });
  await api(tp.url, "POST", "/proxies/dis/toxics", {
    type: "latency",
    attributes: { latency: 120 },
  });
  const on = await api(tp.url, "POST", "/proxies/dis", { enabled: true });
  assert.equal(on.json.toxics.length, 1);
  using conn = await connect(port);
  assert.ok((await roundTripMs(conn, text.encode("z"))) >= 120);
});

Deno.test("throughput sanity: 32 MB through a 100 ms latency toxic is not capped by the delay", async () => {
  const rec = recordingUpstream();
  await using upstream = rec.upstream;
  await using tp = await startToxiproxy({ port: 0 });
  const port = await proxyWith(tp, "tp", upstream, [
    { type: "latency", stream: "upstream", attributes: { latency: 100 } },
  ]);
  using conn = await connect(port);
  const total = 32 * 1024 * 1024;
  const chunk = new Uint8Array(64 * 1024);
  const start = performance.now();
  for (let sent = 0; sent < total; sent += chunk.length) await writeAll(conn, chunk);
  await waitFor(() => rec.received() === total, "all bytes", 10000);
  const seconds = (rec.arrivals.at(-1)!.at - start) / 1000;
  const mbps = total / 1e6 / seconds;
  // Serialised 100 ms waits per 64 KB chunk would give 0.6 MB/s; ten times that proves they are
  // not serialised even when both cores are busy. The target (≥ 100 MB/s) is in bench.ts.
  assert.ok(mbps >= 6, `${mbps.toFixed(1)} MB/s`);
});
