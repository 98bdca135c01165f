/**
 * Tests of proxy behaviour over real sockets: bytes intact, upstream down,
 * disable and enable, listen changes, populate over live proxies.
 * @module
 */

import assert from "node:assert/strict";
import { LoopLag } from "../src/testing/mod.ts";
import { startToxiproxy } from "./start_toxiproxy.ts";
import {
  api,
  connect,
  echo,
  freePort,
  pattern,
  portOf,
  readExactly,
  readToEnd,
  refuses,
  startUpstream,
  waitFor,
  writeAll,
} from "./test_util.ts";

const text = new TextEncoder();

async function roundTrip(conn: Deno.Conn, data: Uint8Array): Promise<Uint8Array> {
  const [, back] = await Promise.all([writeAll(conn, data), readExactly(conn, data.length)]);
  return back;
}

Deno.test("bytes pass intact both ways: a small message, 64 KB, two writes", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const created = await api(tp.url, "POST", "/proxies", {
    name: "echo",
    listen: "127.0.0.1:0",
    upstream: upstream.address,
  });
  assert.equal(created.status, 201);
  using conn = await connect(portOf(created.json.listen));
  assert.deepEqual(await roundTrip(conn, text.encode("hello world")), text.encode("hello world"));
  const big = pattern(64 * 1024);
  assert.deepEqual(await roundTrip(conn, big), big);
  await writeAll(conn, text.encode("hello "));
  await writeAll(conn, text.encode("world"));
  assert.deepEqual(await readExactly(conn, 11), text.encode("hello world"));
});

Deno.test("an unreachable upstream: the client connects, then reads EOF (no RST) within 500 ms", async () => {
  await using tp = await startToxiproxy({ port: 0 });
  const dead = freePort();
  const p = await api(tp.url, "POST", "/proxies", {
    name: "down",
    listen: "127.0.0.1:0",
    upstream: `127.0.0.1:${dead}`,
  });
  using lag = new LoopLag();
  const start = performance.now();
  using conn = await connect(portOf(p.json.listen));
  const end = await readToEnd(conn);
  assert.equal(end.end, "eof");
  assert.equal(end.data.length, 0);
  assert.ok(performance.now() - start < 500 + lag.worstMs, "EOF within 500 ms");
});

Deno.test("disable closes the listener and every live connection; enable rebinds the same port", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const p = await api(tp.url, "POST", "/proxies", {
    name: "a",
    listen: "127.0.0.1:0",
    upstream: upstream.address,
  });
  const port = portOf(p.json.listen);
  using conn = await connect(port);
  assert.deepEqual(await roundTrip(conn, text.encode("ping")), text.encode("ping"));
  for (let i = 0; i < 3; i++) {
    const off = await api(tp.url, "POST", `/proxies/a`, { enabled: false });
    assert.equal(off.json.enabled, false);
  }
  assert.equal((await readToEnd(conn)).end, "eof");
  assert.ok(await refuses(port));
  const on = await api(tp.url, "POST", `/proxies/a`, { enabled: true });
  assert.equal(on.json.listen, p.json.listen);
  using again = await connect(port);
  assert.deepEqual(await roundTrip(again, text.encode("pong")), text.encode("pong"));
});

Deno.test("delete refuses new connections and closes live ones", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const p = await api(tp.url, "POST", "/proxies", {
    name: "a",
    listen: "127.0.0.1:0",
    upstream: upstream.address,
  });
  using conn = await connect(portOf(p.json.listen));
  assert.deepEqual(await roundTrip(conn, text.encode("x")), text.encode("x"));
  assert.equal((await api(tp.url, "DELETE", "/proxies/a")).status, 204);
  assert.equal((await readToEnd(conn)).end, "eof");
  assert.ok(await refuses(portOf(p.json.listen)));
  assert.equal((await api(tp.url, "GET", "/proxies")).text, "{}");
});

Deno.test("a proxy on a bound address fails with 500 and starts once the conflict is gone", async () => {
  await using tp = await startToxiproxy({ port: 0 });
  const blocker = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (blocker.addr as Deno.NetAddr).port;
  const body = { name: "a", listen: `localhost:${port}`, upstream: "127.0.0.1:1" };
  const fail = await api(tp.url, "POST", "/proxies", body);
  assert.equal(fail.status, 500);
  assert.equal(fail.json.error, `listen tcp 127.0.0.1:${port}: bind: address already in use`);
  blocker.close();
  const ok = await api(tp.url, "POST", "/proxies", body);
  assert.equal(ok.status, 201);
  assert.equal(ok.json.listen, `127.0.0.1:${port}`);
});

Deno.test("update: a new listen moves the proxy; the same listen, even as a hostname, keeps connections", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const p = await api(tp.url, "POST", "/proxies", {
    name: "a",
    listen: "127.0.0.1:0",
    upstream: upstream.address,
  });
  const first = portOf(p.json.listen);
  const moved = await api(tp.url, "POST", "/proxies/a", { listen: "localhost:0" });
  const second = portOf(moved.json.listen);
  assert.notEqual(second, first);
  assert.ok(await refuses(first));
  using conn = await connect(second);
  assert.deepEqual(await roundTrip(conn, text.encode("a")), text.encode("a"));
  const same = await api(tp.url, "POST", "/proxies/a", { listen: `localhost:${second}` });
  assert.equal(same.json.listen, moved.json.listen);
  assert.deepEqual(await roundTrip(conn, text.encode("b")), text.encode("b"));
  await api(tp.url, "POST", "/proxies/a", { enabled: false });
  assert.ok(await refuses(second));
});

Deno.test("half-close is not passed on: a client FIN ends the whole connection", async () => {
  const gotEof = Promise.withResolvers<void>();
  await using upstream = startUpstream(async (conn) => {
    const buf = new Uint8Array(16);
    while ((await conn.read(buf)) !== null) { /* drain */ }
    gotEof.resolve();
  });
  await using tp = await startToxiproxy({ port: 0 });
  const p = await api(tp.url, "POST", "/proxies", {
    name: "a",
    listen: "127.0.0.1:0",
    upstream: upstream.address,
  });
  using conn = await connect(portOf(p.json.listen));
  await writeAll(conn, text.encode("bye"));
  await conn.closeWrite();
  assert.equal((await readToEnd(conn)).end, "eof");
  await gotEof.promise;
});

Deno.test("when the upstream closes first, what it sent arrives, then EOF", async () => {
  await using upstream = startUpstream(async (conn) => {
    await writeAll(conn, text.encode("goodbye"));
  });
  await using tp = await startToxiproxy({ port: 0 });
  const p = await api(tp.url, "POST", "/proxies", {
    name: "a",
    listen: "127.0.0.1:0",
    upstream: upstream.address,
  });
  using conn = await connect(portOf(p.json.listen));
  const end = await readToEnd(conn);
  assert.equal(end.end, "eof");
  assert.equal(new TextDecoder().decode(end.data), "goodbye");
});

Deno.test("populate: returned listens accept TCP; an item kept as is keeps its toxic; a moved one rebinds", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const r = await api(tp.url, "POST", "/populate", [
    { name: "one", listen: "127.0.0.1:0", upstream: upstream.address, enabled: false },
    { name: "two", listen: "localhost:0", upstream: upstream.address },
  ]);
  assert.equal(r.status, 201);
  const [one, two] = r.json.proxies;
  assert.equal(one.listen, "127.0.0.1:0");
  assert.equal(await refuses(portOf(two.listen)), false);
  assert.equal((await api(tp.url, "POST", "/proxies/one", { enabled: true })).status, 200);
  const oneListen = (await api(tp.url, "GET", "/proxies/one")).json.listen;
  await api(tp.url, "POST", "/proxies/one/toxics", { type: "latency", attributes: { latency: 1 } });
  using conn = await connect(portOf(oneListen));
  const again = await api(tp.url, "POST", "/populate", [
    {
      name: "one",
      listen: oneListen.replace("127.0.0.1", "localhost"),
      upstream: upstream.address,
    },
    { name: "two", listen: "127.0.0.1:0", upstream: upstream.address },
  ]);
  assert.equal(again.status, 201);
  assert.equal(again.json.proxies[0].listen, oneListen);
  assert.equal(again.json.proxies[0].toxics.length, 1);
  assert.notEqual(again.json.proxies[1].listen, two.listen);
  assert.deepEqual(await roundTrip(conn, text.encode("kept")), text.encode("kept"));
  using moved = await connect(portOf(again.json.proxies[1].listen));
  assert.deepEqual(await roundTrip(moved, text.encode("moved")), text.encode("moved"));
});

Deno.test("reset keeps live connections and they run without toxics at once", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const p = await api(tp.url, "POST", "/proxies", {
    name: "a",
    listen: "127.0.0.1:0",
    upstream: upstream.address,
  });
  await api(tp.url, "POST", "/proxies/a/toxics", { type: "latency", attributes: { latency: 500 } });
  using conn = await connect(portOf(p.json.listen));
  let start = performance.now();
  await roundTrip(conn, text.encode("slow"));
  assert.ok(performance.now() - start >= 500);
  assert.equal((await api(tp.url, "POST", "/reset")).status, 204);
  // A round trip the toxic still delayed takes ≥ 500 ms however idle the machine; time this
  // process's event loop lost to a busy machine does not count against the reset.
  using lag = new LoopLag();
  start = performance.now();
  await roundTrip(conn, text.encode("fast"));
  assert.ok(performance.now() - start - lag.worstMs < 500, "no latency after reset");
});

Deno.test("proxy metrics count the bytes of each direction when it ends, with Toxiproxy's labels", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0, metrics: true });
  const p = await api(tp.url, "POST", "/proxies", {
    name: "m",
    listen: "127.0.0.1:0",
    upstream: upstream.address,
  });
  {
    using conn = await connect(portOf(p.json.listen));
    await roundTrip(conn, text.encode("hello"));
  }
  const labels = `listener="${p.json.listen}",proxy="m",upstream="${upstream.address}"`;
  let body = "";
  await waitFor(async () => {
    body = (await api(tp.url, "GET", "/metrics")).text;
    return body.includes(`toxiproxy_proxy_sent_bytes_total{direction="upstream",${labels}} 5`) &&
      body.includes(`toxiproxy_proxy_sent_bytes_total{direction="downstream",${labels}} 5`);
  }, "metrics for both directions");
  assert.ok(
    body.includes(`toxiproxy_proxy_received_bytes_total{direction="upstream",${labels}} 5`),
  );
  assert.ok(
    body.includes(`toxiproxy_proxy_received_bytes_total{direction="downstream",${labels}} 5`),
  );
});

Deno.test("startToxiproxy: url, 127.0.0.1 for localhost, signal abort closes, close is idempotent", async () => {
  const stop = new AbortController();
  const tp = await startToxiproxy({ hostname: "localhost", port: 0, signal: stop.signal });
  assert.equal(tp.url, `http://127.0.0.1:${tp.port}`);
  assert.equal((await api(tp.url, "GET", "/version")).status, 200);
  stop.abort();
  await tp.finished;
  await tp.close();
  assert.ok(await refuses(tp.port));
});

Deno.test("an upstream given by host name is resolved at dial time", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const p = await api(tp.url, "POST", "/proxies", {
    name: "named",
    listen: "127.0.0.1:0",
    upstream: `localhost:${upstream.port}`,
  });
  using conn = await connect(portOf(p.json.listen));
  assert.deepEqual(await roundTrip(conn, text.encode("by name")), text.encode("by name"));
});

Deno.test("the log option receives proxy events: started, accepted, upstream failure, terminated", async () => {
  const events: string[] = [];
  await using tp = await startToxiproxy({
    port: 0,
    log: (level, message, fields) => events.push(`${level} ${message} ${fields?.name}`),
  });
  const p = await api(tp.url, "POST", "/proxies", {
    name: "logged",
    listen: "127.0.0.1:0",
    upstream: `127.0.0.1:${freePort()}`,
  });
  {
    using conn = await connect(portOf(p.json.listen));
    assert.equal((await readToEnd(conn)).end, "eof");
  }
  await api(tp.url, "DELETE", "/proxies/logged");
  assert.deepEqual(events, [
    "info Started proxy logged",
    "error Unable to open connection to upstream logged",
    "info Terminated proxy logged",
  ]);
});
