/**
 * Tests of the HTTP API without a socket: routes, status codes, bodies and
 * error texts against Toxiproxy 2.12, on a fake network.
 * @module
 */

import assert from "node:assert/strict";
import { createToxiproxyApp, type ToxiproxyApp, type ToxiproxyAppOptions } from "./app.ts";
import { createFakeNetwork, type FakeNetwork } from "./test_fake_network.ts";

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // deno-lint-ignore no-explicit-any
  json: any;
}

function setup(options: ToxiproxyAppOptions = {}): ToxiproxyApp & {
  net: FakeNetwork;
  call: (method: string, path: string, body?: unknown, headers?: HeadersInit) => Promise<Reply>;
} {
  const net = createFakeNetwork();
  const app = createToxiproxyApp({ network: net, ...options });
  const call = async (method: string, path: string, body?: unknown, headers?: HeadersInit) => {
    const init: RequestInit = { method, headers: headers ?? {} };
    if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
    const res = await app.handler(new Request(`http://toxiproxy${path}`, init));
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  return { ...app, net, call };
}

const LATENCY = { latency: 100, jitter: 10 };

Deno.test("GET /version answers the exact body, JSON charset type and a request id", async () => {
  const { call } = setup();
  const r = await call("GET", "/version");
  assert.equal(r.status, 200);
  assert.equal(r.text, '{"version": "2.12.0"}\n');
  assert.equal(r.headers.get("content-type"), "application/json;charset=utf-8");
  assert.match(r.headers.get("x-toxiproxy-request-id") ?? "", /^[0-9a-v]{20}$/);
});

Deno.test("a Mozilla user agent gets 403 on matched routes only; Wget does not", async () => {
  const { call } = setup();
  const mozilla = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64)" };
  const r = await call("GET", "/proxies", undefined, mozilla);
  assert.equal(r.status, 403);
  assert.equal(r.text, "User agent not allowed\n");
  assert.equal(r.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.ok(r.headers.get("x-toxiproxy-request-id"));
  assert.equal(
    (await call("GET", "/proxies", undefined, { "user-agent": "Wget/2.1" })).status,
    200,
  );
  assert.equal((await call("GET", "/nope", undefined, mozilla)).status, 404);
  assert.equal((await call("PUT", "/proxies", undefined, mozilla)).status, 405);
});

Deno.test("unknown paths answer Go's 404 text without a request id; wrong methods 405 empty", async () => {
  const { call } = setup();
  for (const path of ["/", "/proxies/", "/foo", "/proxies/a/toxics/b/c", "/metrics"]) {
    const r = await call("GET", path);
    assert.equal(r.status, 404, path);
    assert.equal(r.text, "404 page not found\n");
    assert.equal(r.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(r.headers.get("x-toxiproxy-request-id"), null);
  }
  for (
    const [method, path] of [
      ["PUT", "/proxies"],
      ["GET", "/reset"],
      ["HEAD", "/version"],
      [
        "GET",
        "/populate",
      ],
      ["PUT", "/proxies/a"],
      ["PUT", "/proxies/a/toxics"],
      ["OPTIONS", "/proxies/a/toxics/b"],
    ]
  ) {
    const r = await call(method!, path!);
    assert.equal(r.status, 405, `${method} ${path}`);
    assert.equal(r.text, "");
    assert.equal(r.headers.get("x-toxiproxy-request-id"), null);
  }
});

Deno.test("a path with // is redirected to its clean form before routing, as gorilla/mux does", async () => {
  const { call } = setup();
  const r = await call("GET", "/proxies//toxics?x=1");
  assert.equal(r.status, 301);
  assert.equal(r.headers.get("location"), "/proxies/toxics?x=1");
  assert.equal(r.headers.get("x-toxiproxy-request-id"), null);
  assert.equal(r.text, "");
});

Deno.test("a fresh server lists no proxies", async () => {
  const { call } = setup();
  const r = await call("GET", "/proxies");
  assert.equal(r.status, 200);
  assert.equal(r.text, "{}");
  assert.equal(r.headers.get("content-type"), "application/json");
});

Deno.test("create refuses a blank name or upstream with 400 in the text/plain error shape", async () => {
  const { call } = setup();
  const r = await call("POST", "/proxies", { name: "", upstream: "localhost:1" });
  assert.equal(r.status, 400);
  assert.equal(r.text, '{"error":"missing required field: name","status":400}\n');
  assert.equal(r.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(r.headers.get("x-content-type-options"), "nosniff");
  const u = await call("POST", "/proxies", { name: "a", upstream: "" });
  assert.deepEqual(u.json, { error: "missing required field: upstream", status: 400 });
});

Deno.test("create normalises the listen address and echoes the proxy in Toxiproxy's key order", async () => {
  const { call, net } = setup();
  const body = { name: "mysql_master", listen: "localhost:3310", upstream: "localhost:20001" };
  const r = await call("POST", "/proxies", body);
  assert.equal(r.status, 201);
  assert.equal(
    r.text,
    '{"name":"mysql_master","listen":"127.0.0.1:3310","upstream":"localhost:20001","enabled":true,"Logger":{},"toxics":[]}',
  );
  assert.ok(net.bound.has("127.0.0.1:3310"));
  const list = await call("GET", "/proxies");
  assert.deepEqual(Object.keys(list.json), ["mysql_master"]);
  assert.equal(list.json.mysql_master.listen, "127.0.0.1:3310");
  const one = await call("GET", "/proxies/mysql_master");
  assert.equal(one.text, r.text);
  for (
    const [listen, shown] of [
      ["", "[::]:40000"],
      [":0", "[::]:40001"],
      ["0.0.0.0:0", "[::]:40002"],
      [
        "[::1]:0",
        "[::1]:40003",
      ],
      ["127.0.0.1:0", "127.0.0.1:40004"],
    ]
  ) {
    const p = await call("POST", "/proxies", { name: `n${shown}`, listen, upstream: "x:1" });
    assert.equal(p.json.listen, shown, listen);
  }
  const anyUpstream = await call("POST", "/proxies", { name: "s", upstream: "somehost:12345" });
  assert.equal(anyUpstream.json.upstream, "somehost:12345");
});

Deno.test("a disabled proxy shows its raw listen, binds on enable and unbinds on disable", async () => {
  const { call, net } = setup();
  const r = await call("POST", "/proxies", {
    name: "mysql_master",
    listen: "localhost:3310",
    upstream: "localhost:20001",
    enabled: false,
  });
  assert.equal(r.json.listen, "localhost:3310");
  assert.equal(r.json.enabled, false);
  assert.equal(net.bound.size, 0);
  const on = await call("POST", "/proxies/mysql_master", { enabled: true });
  assert.equal(on.status, 200);
  assert.equal(on.json.enabled, true);
  assert.equal(on.json.listen, "127.0.0.1:3310");
  assert.ok(net.bound.has("127.0.0.1:3310"));
  const off = await call("PATCH", "/proxies/mysql_master", { enabled: false });
  assert.equal(off.json.enabled, false);
  assert.equal(net.bound.size, 0);
});

Deno.test("a port-0 proxy keeps its port across disable and enable; ':0' again picks a new one", async () => {
  const { call } = setup();
  const created = await call("POST", "/proxies", {
    name: "a",
    listen: "127.0.0.1:0",
    upstream: "x:1",
  });
  const listen = created.json.listen;
  await call("POST", "/proxies/a", { enabled: false });
  const back = await call("POST", "/proxies/a", { enabled: true });
  assert.equal(back.json.listen, listen);
  const moved = await call("POST", "/proxies/a", { listen: "localhost:0" });
  assert.notEqual(moved.json.listen, listen);
  assert.equal(moved.json.enabled, true);
  const same = await call("POST", "/proxies/a", {
    listen: moved.json.listen.replace("127.0.0.1", "localhost"),
  });
  assert.equal(same.json.listen, moved.json.listen);
});

Deno.test("update: empty body is 400 EOF, {} is a no-op, a bad listen is 500 and changes nothing", async () => {
  const { call } = setup();
  await call("POST", "/proxies", {
    name: "a",
    listen: "127.0.0.1:0",
    upstream: "x:1",
    toxics: [1],
  });
  const before = (await call("GET", "/proxies/a")).text;
  const empty = await call("POST", "/proxies/a", "");
  assert.deepEqual(empty.json, { error: "bad request body: EOF", status: 400 });
  const ignored = await call("POST", "/proxies/a", { name: "renamed", toxics: "x" });
  assert.equal(ignored.text, before);
  assert.equal((await call("POST", "/proxies/a", {})).text, before);
  const bad = await call("PATCH", "/proxies/a", { listen: "bad" });
  assert.deepEqual(bad.json, { error: "address bad: missing port in address", status: 500 });
  assert.equal((await call("GET", "/proxies/a")).text, before);
  assert.equal((await call("PATCH", "/proxies/nope", {})).status, 404);
  const up = await call("PATCH", "/proxies/a", { upstream: "y:2" });
  assert.equal(up.json.upstream, "y:2");
  assert.equal(up.json.enabled, true);
});

Deno.test("update to a taken address leaves the proxy disabled with the new values (500)", async () => {
  const { call } = setup();
  await call("POST", "/proxies", { name: "a", listen: "127.0.0.1:3310", upstream: "x:1" });
  await call("POST", "/proxies", { name: "b", listen: "127.0.0.1:0", upstream: "x:1" });
  const r = await call("POST", "/proxies/b", { listen: "127.0.0.1:3310", upstream: "z:3" });
  assert.equal(r.status, 500);
  assert.equal(r.json.error, "listen tcp 127.0.0.1:3310: bind: address already in use");
  const b = (await call("GET", "/proxies/b")).json;
  assert.equal(b.enabled, false);
  assert.equal(b.listen, "127.0.0.1:3310");
  assert.equal(b.upstream, "z:3");
});

Deno.test("delete answers 204, unbinds, and a second delete is 404 proxy not found", async () => {
  const { call, net } = setup();
  await call("POST", "/proxies", { name: "a", listen: "localhost:3310", upstream: "x:1" });
  const r = await call("DELETE", "/proxies/a");
  assert.equal(r.status, 204);
  assert.equal(r.text, "");
  assert.equal(r.headers.get("content-type"), null);
  assert.equal(net.bound.size, 0);
  assert.equal((await call("GET", "/proxies")).text, "{}");
  const again = await call("DELETE", "/proxies/a");
  assert.equal(again.status, 404);
  assert.equal(again.text, '{"error":"proxy not found","status":404}\n');
});

Deno.test("a second proxy on a used address is 500 address in use, and works after the first goes", async () => {
  const { call } = setup();
  await call("POST", "/proxies", { name: "a", listen: "localhost:3310", upstream: "x:1" });
  const r = await call("POST", "/proxies", {
    name: "b",
    listen: "localhost:3310",
    upstream: "x:1",
  });
  assert.equal(r.status, 500);
  assert.equal(r.json.error, "listen tcp 127.0.0.1:3310: bind: address already in use");
  assert.equal((await call("GET", "/proxies/b")).status, 404);
  await call("DELETE", "/proxies/a");
  assert.equal(
    (await call("POST", "/proxies", { name: "b", listen: "localhost:3310", upstream: "x:1" }))
      .status,
    201,
  );
});

Deno.test("the same name is 409 proxy already exists (checked before binding), free again after delete", async () => {
  const { call } = setup();
  await call("POST", "/proxies", { name: "a", listen: "localhost:3310", upstream: "x:1" });
  const r = await call("POST", "/proxies", {
    name: "a",
    listen: "localhost:3310",
    upstream: "x:1",
  });
  assert.deepEqual(r.json, { error: "proxy already exists", status: 409 });
  await call("DELETE", "/proxies/a");
  assert.equal((await call("POST", "/proxies", { name: "a", upstream: "x:1" })).status, 201);
});

Deno.test("create reports Go's listen errors as 500", async () => {
  const { call } = setup();
  const r = await call("POST", "/proxies", { name: "a", listen: "local373", upstream: "x:1" });
  assert.deepEqual(r.json, {
    error: "listen tcp: address local373: missing port in address",
    status: 500,
  });
  const unknown = await call("POST", "/proxies", {
    name: "a",
    listen: "nohost.invalid:1",
    upstream: "x:1",
  });
  assert.equal(unknown.status, 500);
  assert.match(unknown.json.error, /^listen tcp: lookup nohost\.invalid/);
});

Deno.test("bodies are read like Go: first value only, keys case-insensitive, null keeps defaults", async () => {
  const { call } = setup();
  const r = await call(
    "POST",
    "/proxies",
    '{"NAME":"a","Upstream":"x:1","LISTEN":"127.0.0.1:0","enabled":null} trailing',
  );
  assert.equal(r.status, 201);
  assert.equal(r.json.name, "a");
  assert.equal(r.json.enabled, true);
  const eof = await call("POST", "/proxies", "   ");
  assert.equal(eof.json.error, "bad request body: EOF");
  const syntax = await call("POST", "/proxies", "{nope");
  assert.equal(syntax.status, 400);
  assert.match(syntax.json.error, /^bad request body: invalid character/);
  const type = await call("POST", "/proxies", { name: 5, upstream: "x:1" });
  assert.equal(type.status, 400);
  assert.match(type.json.error, /^bad request body: json: cannot unmarshal/);
  const nul = await call("POST", "/proxies", "null");
  assert.equal(nul.json.error, "missing required field: name");
});

Deno.test("populate creates in order, defaults enabled to true, honours enabled:false", async () => {
  const { call, net } = setup();
  const r = await call("POST", "/populate", [
    { name: "one", listen: "localhost:7070", upstream: "localhost:7171", enabled: false },
    { name: "two", listen: "localhost:7373", upstream: "localhost:7474" },
  ]);
  assert.equal(r.status, 201);
  assert.equal(r.headers.get("content-type"), "application/json");
  assert.deepEqual(r.json.proxies.map((p: { name: string }) => p.name), ["one", "two"]);
  assert.equal(r.json.proxies[0].enabled, false);
  assert.equal(r.json.proxies[1].enabled, true);
  assert.ok(!net.bound.has("127.0.0.1:7070"));
  assert.ok(net.bound.has("127.0.0.1:7373"));
  assert.equal(Object.keys(r.json).join(), "proxies");
});

Deno.test("populate keeps a proxy with the same resolved listen and upstream, toxics and all", async () => {
  const { call } = setup();
  await call("POST", "/populate", [
    { name: "one", listen: "localhost:7070", upstream: "localhost:7171" },
    { name: "two", listen: "localhost:7373", upstream: "localhost:7474" },
  ]);
  const toxic = await call("POST", "/proxies/one/toxics", { type: "latency", attributes: LATENCY });
  assert.equal(toxic.status, 200);
  const r = await call("POST", "/populate", [
    { name: "one", listen: "localhost:7070", upstream: "localhost:7171", enabled: false },
    { name: "two", listen: "127.0.0.1:7575", upstream: "localhost:7474" },
  ]);
  assert.equal(r.status, 201);
  assert.equal(r.json.proxies[0].listen, "127.0.0.1:7070");
  assert.equal(r.json.proxies[0].enabled, true);
  assert.equal(r.json.proxies[0].toxics.length, 1);
  assert.equal(r.json.proxies[1].listen, "127.0.0.1:7575");
  const one = await call("GET", "/proxies/one/toxics");
  assert.equal(one.json[0].name, "latency_downstream");
});

Deno.test("populate validates every item first: no name at item 2 creates nothing", async () => {
  const { call } = setup();
  const r = await call("POST", "/populate", [
    { name: "one", listen: "localhost:7070", upstream: "localhost:7171" },
    { listen: "localhost:7373", upstream: "localhost:7474" },
  ]);
  assert.equal(r.status, 400);
  assert.equal(r.headers.get("content-type"), "application/json");
  assert.equal(
    r.text,
    '{"error":"missing required field: name at proxy 2","status":400,"proxies":null}',
  );
  assert.equal((await call("GET", "/proxies")).text, "{}");
  const up = await call("POST", "/populate", [{ name: "x" }]);
  assert.equal(up.json.error, "missing required field: upstream at proxy 1");
});

Deno.test("populate stops at the first failure with 500, keeping the items before it", async () => {
  const { call } = setup();
  const r = await call("POST", "/populate", [
    { name: "one", listen: "localhost:7070", upstream: "localhost:7171" },
    { name: "two", listen: "local373", upstream: "localhost:7474" },
    { name: "three", listen: "localhost:7575", upstream: "localhost:7676" },
  ]);
  assert.equal(r.status, 500);
  assert.equal(r.json.error, "listen tcp: address local373: missing port in address");
  assert.equal(r.json.status, 500);
  assert.deepEqual(r.json.proxies.map((p: { name: string }) => p.name), ["one"]);
  assert.deepEqual(Object.keys((await call("GET", "/proxies")).json), ["one"]);
});

Deno.test("populate: [] and null answer proxies null; a non-array is 400 with proxies null", async () => {
  const { call } = setup();
  assert.equal((await call("POST", "/populate", [])).text, '{"proxies":null}');
  assert.equal((await call("POST", "/populate", "null")).status, 201);
  const obj = await call("POST", "/populate", { name: "a" });
  assert.equal(obj.status, 400);
  assert.match(obj.json.error, /^bad request body: json: cannot unmarshal object/);
  assert.equal(obj.json.proxies, null);
  assert.equal((await call("POST", "/populate", "")).json.error, "bad request body: EOF");
});

Deno.test("populate then add a toxic to a returned proxy", async () => {
  const { call } = setup();
  const r = await call("POST", "/populate", [{
    name: "one",
    listen: "localhost:0",
    upstream: "x:1",
  }]);
  const name = r.json.proxies[0].name;
  const t = await call("POST", `/proxies/${name}/toxics`, { type: "latency", attributes: LATENCY });
  assert.equal(t.status, 200);
});

Deno.test("reset re-enables every proxy and removes every toxic", async () => {
  const { call } = setup();
  await call("POST", "/proxies", { name: "a", listen: "localhost:0", upstream: "x:1" });
  const t = await call("POST", "/proxies/a/toxics", { type: "latency", attributes: LATENCY });
  assert.deepEqual(t.json.attributes, LATENCY);
  await call("POST", "/proxies", {
    name: "b",
    listen: "localhost:0",
    upstream: "x:1",
    enabled: false,
  });
  const r = await call("POST", "/reset", "ignored body");
  assert.equal(r.status, 204);
  const all = (await call("GET", "/proxies")).json;
  assert.equal(all.a.enabled, true);
  assert.deepEqual(all.a.toxics, []);
  assert.equal(all.b.enabled, true);
  assert.match(all.b.listen, /^127\.0\.0\.1:[1-9]/);
});

Deno.test("toxics: create echoes Toxiproxy's shape and the list shows it", async () => {
  const { call } = setup();
  await call("POST", "/proxies", { name: "a", upstream: "x:1" });
  assert.equal((await call("GET", "/proxies/a/toxics")).text, "[]");
  const r = await call("POST", "/proxies/a/toxics", {
    name: "foobar",
    type: "latency",
    stream: "downstream",
    toxicity: 1,
    attributes: LATENCY,
  });
  assert.equal(r.status, 200);
  assert.equal(
    r.text,
    '{"attributes":{"latency":100,"jitter":10},"name":"foobar","type":"latency","stream":"downstream","toxicity":1}',
  );
  const list = await call("GET", "/proxies/a/toxics");
  assert.deepEqual(list.json, [r.json]);
  assert.deepEqual((await call("GET", "/proxies/a/toxics/foobar")).json, r.json);
  assert.equal(
    (await call("GET", "/proxies/a/toxics/nope")).text,
    '{"error":"toxic not found","status":404}\n',
  );
  assert.equal((await call("GET", "/proxies/nope/toxics")).json.error, "proxy not found");
  assert.equal(
    (await call("POST", "/proxies/nope/toxics", "garbage")).json.error,
    "proxy not found",
  );
});

Deno.test("toxics without attributes get every attribute as 0", async () => {
  const { call } = setup();
  await call("POST", "/proxies", { name: "a", upstream: "x:1" });
  await call("POST", "/proxies/a/toxics", { name: "latency1", type: "latency" });
  await call("POST", "/proxies/a/toxics", { name: "latency2", type: "latency", attributes: null });
  const list = (await call("GET", "/proxies/a/toxics")).json;
  assert.deepEqual(list.map((t: { attributes: unknown }) => t.attributes), [
    { latency: 0, jitter: 0 },
    { latency: 0, jitter: 0 },
  ]);
  assert.ok(list.every((t: { stream: string }) => t.stream === "downstream"));
  const shapes: Record<string, string[]> = {
    bandwidth: ["rate"],
    slow_close: ["delay"],
    timeout: ["timeout"],
    reset_peer: ["timeout"],
    limit_data: ["bytes"],
    noop: [],
  };
  for (const [type, keys] of Object.entries(shapes)) {
    const t = await call("POST", "/proxies/a/toxics", { type, stream: "upstream" });
    assert.equal(t.status, 200, type);
    assert.deepEqual(Object.keys(t.json.attributes), keys);
  }
  const slicer = await call("POST", "/proxies/a/toxics", {
    type: "slicer",
    attributes: { average_size: 10, size_variation: 5 },
  });
  assert.deepEqual(slicer.json.attributes, { average_size: 10, size_variation: 5, delay: 0 });
});

Deno.test("toxic names are unique across both streams (409); the default names coexist", async () => {
  const { call } = setup();
  await call("POST", "/proxies", { name: "a", upstream: "x:1" });
  await call("POST", "/proxies/a/toxics", { name: "foobar", type: "latency", attributes: LATENCY });
  const sameStream = await call("POST", "/proxies/a/toxics", { name: "foobar", type: "bandwidth" });
  assert.deepEqual(sameStream.json, { error: "toxic already exists", status: 409 });
  const otherStream = await call("POST", "/proxies/a/toxics", {
    name: "foobar",
    type: "latency",
    stream: "upstream",
  });
  assert.equal(otherStream.status, 409);
  assert.deepEqual((await call("GET", "/proxies/a/toxics/foobar")).json.attributes, LATENCY);
  const up = await call("POST", "/proxies/a/toxics", { type: "latency", stream: "upstream" });
  const down = await call("POST", "/proxies/a/toxics", { type: "latency" });
  assert.equal(up.json.name, "latency_upstream");
  assert.equal(down.json.name, "latency_downstream");
});

Deno.test("toxicity is stored as float32 and shown short, not range-checked", async () => {
  const { call } = setup();
  await call("POST", "/proxies", { name: "a", upstream: "x:1" });
  const cases: [number, string][] = [[0.2, "0.2"], [2.5, "2.5"], [-1, "-1"], [0.7, "0.7"]];
  for (const [i, [toxicity, shown]] of cases.entries()) {
    const r = await call("POST", "/proxies/a/toxics", { name: `t${i}`, type: "noop", toxicity });
    assert.ok(r.text.endsWith(`"toxicity":${shown}}`), r.text);
  }
  assert.equal((await call("GET", "/proxies/a/toxics/t0")).json.toxicity, 0.2);
});

Deno.test("noop with no stream is named as given, downstream, toxicity 1", async () => {
  const { call } = setup();
  await call("POST", "/proxies", { name: "a", upstream: "x:1" });
  const r = await call("POST", "/proxies/a/toxics", { name: "foobar", type: "noop" });
  assert.equal(
    r.text,
    '{"attributes":{},"name":"foobar","type":"noop","stream":"downstream","toxicity":1}',
  );
});

Deno.test("toxic create rejects a bad stream, type, or attribute value with 400", async () => {
  const { call } = setup();
  await call("POST", "/proxies", { name: "a", upstream: "x:1" });
  const stream = await call("POST", "/proxies/a/toxics", {
    type: "latency",
    stream: "walrustream",
  });
  assert.deepEqual(stream.json, {
    error: "stream was invalid, can be either upstream or downstream",
    status: 400,
  });
  assert.equal(
    (await call("POST", "/proxies/a/toxics", { type: "latency", stream: "" })).status,
    400,
  );
  for (const type of ["down", "nope", undefined]) {
    const r = await call("POST", "/proxies/a/toxics", { type });
    assert.deepEqual(r.json, { error: "invalid toxic type", status: 400 });
  }
  for (const attributes of [{ latency: 1.5 }, { latency: "100" }, { latency: 1e2 + 0.5 }, 5, "x"]) {
    const r = await call("POST", "/proxies/a/toxics", { type: "latency", attributes });
    assert.equal(r.status, 400, JSON.stringify(attributes));
    assert.match(r.json.error, /^bad request body: /);
  }
  assert.equal(
    (await call("POST", "/proxies/a/toxics", { type: "latency", toxicity: "1" })).status,
    400,
  );
  assert.equal((await call("GET", "/proxies/a/toxics")).text, "[]");
});

Deno.test("values that crash the real server are accepted like it accepts them", async () => {
  const { call } = setup();
  await call("POST", "/proxies", { name: "a", upstream: "x:1" });
  const edgy = [
    { name: "b", type: "bandwidth", attributes: { rate: -1 } },
    { name: "s0", type: "slicer", attributes: { average_size: 0 } },
    { name: "s1", type: "slicer" },
    { name: "s2", type: "slicer", attributes: { average_size: 10, size_variation: 10 } },
    { name: "s3", type: "slicer", attributes: { average_size: 10, size_variation: -1 } },
  ];
  for (const body of edgy) {
    const r = await call("POST", "/proxies/a/toxics", body);
    assert.equal(r.status, 200, JSON.stringify(body));
  }
  const update = await call("PATCH", "/proxies/a/toxics/b", { attributes: { rate: -5 } });
  assert.equal(update.status, 200);
  assert.equal((await call("GET", "/proxies/a/toxics/b")).json.attributes.rate, -5);
});

Deno.test("toxic update merges attributes key by key and keeps toxicity unless given", async () => {
  const { call } = setup();
  await call("POST", "/proxies", { name: "a", upstream: "x:1" });
  await call("POST", "/proxies/a/toxics", { name: "foobar", type: "latency", attributes: LATENCY });
  const first = await call("PATCH", "/proxies/a/toxics/foobar", {
    toxicity: 0.5,
    attributes: { latency: 1000 },
  });
  assert.equal(first.status, 200);
  assert.deepEqual(first.json.attributes, { latency: 1000, jitter: 10 });
  assert.equal(first.json.toxicity, 0.5);
  const second = await call("POST", "/proxies/a/toxics/foobar", {
    attributes: { latency: 500 },
    name: "ignored",
    type: "noop",
    stream: "upstream",
  });
  assert.deepEqual(second.json, {
    attributes: { latency: 500, jitter: 10 },
    name: "foobar",
    type: "latency",
    stream: "downstream",
    toxicity: 0.5,
  });
  assert.equal(
    (await call("PATCH", "/proxies/a/toxics/foobar", "")).json.error,
    "bad request body: EOF",
  );
  assert.equal((await call("PATCH", "/proxies/a/toxics/nope", {})).json.error, "toxic not found");
  assert.equal(
    (await call("PATCH", "/proxies/nope/toxics/foobar", {})).json.error,
    "proxy not found",
  );
});

Deno.test("toxic delete answers 204 and the toxic is gone", async () => {
  const { call } = setup();
  await call("POST", "/proxies", { name: "a", upstream: "x:1" });
  await call("POST", "/proxies/a/toxics", { name: "foobar", type: "latency" });
  const r = await call("DELETE", "/proxies/a/toxics/foobar");
  assert.equal(r.status, 204);
  assert.equal(r.text, "");
  assert.equal((await call("GET", "/proxies/a/toxics")).text, "[]");
  assert.equal((await call("DELETE", "/proxies/a/toxics/foobar")).status, 404);
});

Deno.test("upstream toxics are listed first, streams verbatim, each in creation order", async () => {
  const { call } = setup();
  await call("POST", "/proxies", { name: "a", upstream: "x:1" });
  await call("POST", "/proxies/a/toxics", { name: "d1", type: "noop" });
  await call("POST", "/proxies/a/toxics", { name: "u1", type: "noop", stream: "UpStream" });
  await call("POST", "/proxies/a/toxics", { name: "d2", type: "noop", stream: "DOWNSTREAM" });
  await call("POST", "/proxies/a/toxics", { type: "noop", stream: "Upstream" });
  const list = (await call("GET", "/proxies/a")).json.toxics;
  assert.deepEqual(list.map((t: { name: string }) => t.name), ["u1", "noop_Upstream", "d1", "d2"]);
  assert.equal(list[0].stream, "UpStream");
});

Deno.test("path segments are percent-decoded; a name with a slash cannot be reached", async () => {
  const { call } = setup();
  await call("POST", "/proxies", { name: "my proxy", upstream: "x:1" });
  assert.equal((await call("GET", "/proxies/my%20proxy")).json.name, "my proxy");
  await call("POST", "/proxies", { name: "a/b", upstream: "x:1" });
  assert.equal((await call("GET", "/proxies/a%2Fb")).status, 404);
  assert.ok("a/b" in (await call("GET", "/proxies")).json);
});

Deno.test("GET /proxies sorts names byte-wise, not as JS object keys", async () => {
  const { call } = setup();
  for (const name of ["b", "10", "9", "a<&>"]) {
    await call("POST", "/proxies", { name, upstream: "x:1" });
  }
  const r = await call("GET", "/proxies");
  const order = [...r.text.matchAll(/"name":("[^"]*")/g)].map((m) => m[1]);
  assert.deepEqual(order, ['"10"', '"9"', '"a\\u003c\\u0026\\u003e"', '"b"']);
});

Deno.test("/metrics exists only with a metrics flag, for any method", async () => {
  const { call } = setup({ proxyMetrics: true });
  for (const method of ["GET", "POST"]) {
    const r = await call(method, "/metrics");
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    assert.match(r.text, /promhttp_metric_handler_errors_total/);
  }
  const runtime = setup({ runtimeMetrics: true });
  assert.match((await runtime.call("GET", "/metrics")).text, /^go_build_info\{/m);
});

Deno.test("a handler that runs longer than the limit answers 503 and the server goes on", async () => {
  const net = createFakeNetwork();
  const gate = Promise.withResolvers<void>();
  const slow = {
    ...net,
    listen: async (...args: Parameters<typeof net.listen>) => {
      await gate.promise;
      return net.listen(...args);
    },
  };
  const app = createToxiproxyApp({ network: slow, handlerTimeoutMs: 20 });
  const res = await app.handler(
    new Request("http://t/proxies", { method: "POST", body: '{"name":"a","upstream":"x:1"}' }),
  );
  assert.equal(res.status, 503);
  assert.equal(await res.text(), "");
  gate.resolve();
  await app.close();
  const list = await app.handler(new Request("http://t/proxies"));
  assert.ok("a" in await list.json());
});

Deno.test("no body crashes the server: random bodies on every route get an HTTP answer", async () => {
  const { call } = setup();
  await call("POST", "/proxies", { name: "a", upstream: "x:1" });
  await call("POST", "/proxies/a/toxics", { name: "t", type: "latency" });
  const bodies = [
    "",
    "{",
    "[",
    '"',
    "nul",
    "-",
    "1e999",
    "[1,2,{}]",
    '{"attributes":{"latency":1e400}}',
    '{"toxicity":1e40}',
    '{"attributes":[]}',
    '{"name":{"a":1}}',
    '{"enabled":"yes"}',
    "\u0000\u00ff",
    "[".repeat(20000),
    '{"a":' + "[".repeat(5000) + "]".repeat(5000) + "}",
    '{"type":"slicer","attributes":{"average_size":1,"size_variation":0}}',
    '{"listen":"[::1"}',
    '{"listen":"1.2.3.4:99999"}',
  ];
  const routes = [
    ["POST", "/proxies"],
    ["POST", "/populate"],
    ["POST", "/proxies/a"],
    ["POST", "/proxies/a/toxics"],
    ["PATCH", "/proxies/a/toxics/t"],
    ["POST", "/reset"],
  ];
  for (const body of bodies) {
    for (const [method, path] of routes) {
      const r = await call(method!, path!, body);
      assert.ok(
        [200, 201, 204, 400, 404, 409, 500].includes(r.status),
        `${path} ${body}: ${r.status}`,
      );
    }
  }
});

Deno.test("reset stops at a failed bind with 500 in the text/plain error shape", async () => {
  const { call } = setup();
  await call("POST", "/proxies", {
    name: "a",
    listen: "localhost:3310",
    upstream: "x:1",
    enabled: false,
  });
  await call("POST", "/proxies", { name: "b", listen: "localhost:3310", upstream: "x:1" });
  const r = await call("POST", "/reset");
  assert.equal(r.status, 500);
  assert.equal(
    r.text,
    '{"error":"listen tcp 127.0.0.1:3310: bind: address already in use","status":500}\n',
  );
  assert.equal((await call("GET", "/proxies/a")).json.enabled, false);
});
