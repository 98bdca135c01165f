/**
 * Tests that the npm `toxiproxy-node-client` drives this server: every call
 * it makes, and the errors it raises.
 * @module
 */

import assert from "node:assert/strict";
import { type Proxy as ClientProxy, Toxiproxy, ToxiproxyError } from "toxiproxy-node-client";
import { startToxiproxy } from "./start_toxiproxy.ts";
import {
  api,
  connect,
  echo,
  portOf,
  readExactly,
  readToEnd,
  refuses,
  startUpstream,
  writeAll,
} from "./test_util.ts";

const text = new TextEncoder();

async function roundTripMs(conn: Deno.Conn, data: Uint8Array): Promise<number> {
  const start = performance.now();
  const [, back] = await Promise.all([writeAll(conn, data), readExactly(conn, data.length)]);
  assert.deepEqual(back, data);
  return performance.now() - start;
}

/** Asserts the client rejects with Toxiproxy's status in its message. */
async function rejectsWith(status: number, work: () => Promise<unknown>): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof ToxiproxyError);
    assert.equal((error as Error).message, `Request failed with status code ${status}`);
    return true;
  });
}

Deno.test("node client: version, create, get, getAll, update, remove", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const client = new Toxiproxy(tp.url);
  assert.equal(await client.getVersion(), '{"version": "2.12.0"}\n');
  const proxy = await client.createProxy({
    name: "redis",
    listen: "127.0.0.1:0",
    upstream: upstream.address,
  });
  assert.equal(proxy.name, "redis");
  assert.match(proxy.listen, /^127\.0\.0\.1:[1-9][0-9]*$/);
  assert.equal(proxy.upstream, upstream.address);
  assert.equal(proxy.enabled, true);
  const got = await client.get("redis");
  assert.deepEqual(got.toJson(), proxy.toJson());
  const all = await client.getAll();
  assert.deepEqual(Object.keys(all), ["redis"]);
  using conn = await connect(portOf(proxy.listen));
  await roundTripMs(conn, text.encode("PING\r\n"));
  const down = await proxy.update({
    enabled: false,
    listen: proxy.listen,
    upstream: proxy.upstream,
  });
  assert.equal(down.enabled, false);
  assert.equal((await readToEnd(conn)).end, "eof");
  assert.ok(await refuses(portOf(proxy.listen)));
  const up = await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
  assert.equal(up.enabled, true);
  assert.equal(up.listen, proxy.listen);
  await up.remove();
  assert.deepEqual(await client.getAll(), {});
});

Deno.test("node client: toxics add, get, update and remove act on a live connection", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const client = new Toxiproxy(tp.url);
  const proxy = await client.createProxy({
    name: "db",
    listen: "127.0.0.1:0",
    upstream: upstream.address,
  });
  using conn = await connect(portOf(proxy.listen));
  const toxic = await proxy.addToxic({
    name: "slow",
    type: "latency",
    stream: "downstream",
    toxicity: 1,
    attributes: { latency: 120, jitter: 0 },
  });
  assert.equal(toxic.name, "slow");
  assert.deepEqual(toxic.attributes, { latency: 120, jitter: 0 });
  assert.ok((await roundTripMs(conn, text.encode("a"))) >= 120);
  const fetched = await proxy.getToxic<{ latency: number; jitter: number }>("slow");
  assert.deepEqual(fetched.toJson(), toxic.toJson());
  const updated = await toxic.update({
    name: "slow",
    type: "latency",
    stream: "downstream",
    toxicity: 0.5,
    attributes: { latency: 10, jitter: 0 },
  });
  assert.equal(updated.toxicity, 0.5);
  assert.equal(updated.attributes.latency, 10);
  await updated.remove();
  assert.ok((await roundTripMs(conn, text.encode("b"))) < 100);
  // The client's Proxy drops the toxics list; read it over plain HTTP.
  assert.deepEqual((await api(tp.url, "GET", "/proxies/db")).json.toxics, []);
});

Deno.test("node client: populate returns proxies by name; reset clears toxics and re-enables", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const client = new Toxiproxy(tp.url);
  const proxies = await client.populate([
    { name: "one", listen: "127.0.0.1:0", upstream: upstream.address },
    { name: "two", listen: "127.0.0.1:0", upstream: upstream.address, enabled: false },
  ]);
  assert.deepEqual(Object.keys(proxies), ["one", "two"]);
  const one = proxies.one!;
  await one.addToxic({
    name: "cut",
    type: "limit_data",
    stream: "downstream",
    toxicity: 1,
    attributes: { bytes: 3 },
  });
  await client.reset();
  const after = await client.getAll();
  assert.deepEqual((await api(tp.url, "GET", "/proxies/one")).json.toxics, []);
  assert.equal(after.two!.enabled, true);
  using conn = await connect(portOf(after.one!.listen));
  await roundTripMs(conn, text.encode("no limit now"));
});

/**
 * The client throws on a non-2xx answer without reading its body, which the
 * resource sanitizer reports as a leak. Buffer those bodies while `work` runs.
 */
async function withErrorBodiesRead(work: () => Promise<void>): Promise<void> {
  const original = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const res = await original(input, init);
    if (res.ok) return res;
    return new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers });
  };
  try {
    await work();
  } finally {
    globalThis.fetch = original;
  }
}

Deno.test("node client: the error statuses it sees (409, 404, 400, 500)", () =>
  withErrorBodiesRead(async () => {
    await using tp = await startToxiproxy({ port: 0 });
    const client = new Toxiproxy(tp.url);
    const proxy: ClientProxy = await client.createProxy({
      name: "x",
      listen: "127.0.0.1:0",
      upstream: "127.0.0.1:1",
    });
    await rejectsWith(
      409,
      () => client.createProxy({ name: "x", listen: "127.0.0.1:0", upstream: "a:1" }),
    );
    await rejectsWith(404, () => client.get("nope"));
    await rejectsWith(400, () =>
      proxy.addToxic({
        name: "d",
        type: "down",
        stream: "downstream",
        toxicity: 1,
        attributes: {},
      }));
    await rejectsWith(
      500,
      () => client.createProxy({ name: "y", listen: proxy.listen, upstream: "127.0.0.1:1" }),
    );
    // populate([]) answers {"proxies":null}, which makes this client throw, as with the real server.
    await assert.rejects(() => client.populate([]), TypeError);
  }));

Deno.test("node client: each toxic type added through the client acts on traffic", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0 });
  const client = new Toxiproxy(tp.url);
  const make = async (name: string) =>
    await client.createProxy({ name, listen: "127.0.0.1:0", upstream: upstream.address });
  const toxic = <T>(
    type: "bandwidth" | "slow_close" | "timeout" | "slicer" | "limit_data" | "reset_peer",
    stream: "upstream" | "downstream",
    attributes: T,
  ) => ({
    name: type,
    type,
    stream,
    toxicity: 1,
    attributes,
  });

  const bw = await make("bw");
  await bw.addToxic(toxic("bandwidth", "upstream", { rate: 100 }));
  {
    using conn = await connect(portOf(bw.listen));
    // 20 000 bytes at 100 KB/s: one 10 000-byte piece per 100 ms.
    assert.ok((await roundTripMs(conn, new Uint8Array(20000).fill(7))) >= 199);
  }

  const sl = await make("sl");
  await sl.addToxic(
    toxic("slicer", "downstream", { average_size: 64, size_variation: 32, delay: 10 }),
  );
  {
    using conn = await connect(portOf(sl.listen));
    const data = new Uint8Array(10000).map((_, i) => i % 251);
    await roundTripMs(conn, data);
  }

  const to = await make("to");
  await to.addToxic(toxic("timeout", "downstream", { timeout: 100 }));
  {
    using conn = await connect(portOf(to.listen));
    const start = performance.now();
    const end = await readToEnd(conn);
    assert.equal(end.end, "eof");
    assert.ok(performance.now() - start >= 99);
  }

  const ld = await make("ld");
  await ld.addToxic(toxic("limit_data", "downstream", { bytes: 5 }));
  {
    using conn = await connect(portOf(ld.listen));
    await writeAll(conn, text.encode("0123456789"));
    const end = await readToEnd(conn);
    assert.equal(new TextDecoder().decode(end.data), "01234");
    assert.equal(end.end, "eof");
  }

  const rp = await make("rp");
  await rp.addToxic(toxic("reset_peer", "upstream", { timeout: 0 }));
  {
    using conn = await connect(portOf(rp.listen));
    await writeAll(conn, text.encode("x"));
    assert.equal((await readToEnd(conn)).end, "reset");
  }

  const sc = await make("sc");
  await sc.addToxic(toxic("slow_close", "upstream", { delay: 150 }));
  {
    using conn = await connect(portOf(sc.listen));
    await roundTripMs(conn, text.encode("hi"));
    const start = performance.now();
    await conn.closeWrite();
    assert.equal((await readToEnd(conn)).end, "eof");
    assert.ok(performance.now() - start >= 149);
  }
  for (const proxy of Object.values(await client.getAll())) await proxy.remove();
  assert.deepEqual(await client.getAll(), {});
});
