/**
 * Tests of the routing table: placeholders, 404 versus 405, empty segments
 * and bad patterns.
 * @module
 */

import assert from "node:assert/strict";
import { cleanPath, createRouter } from "./router.ts";

const router = createRouter([
  { methods: ["GET"], path: "/proxies", handler: "list" },
  { methods: ["POST"], path: "/proxies", handler: "create" },
  { methods: ["GET"], path: "/proxies/{proxy}", handler: "get" },
  { methods: ["POST", "PATCH"], path: "/proxies/{proxy}/toxics/{toxic}", handler: "update" },
]);

Deno.test("createRouter() finds the row for the method and path, with its placeholders", () => {
  assert.deepEqual(router("GET", "/proxies"), { kind: "found", handler: "list", params: {} });
  assert.deepEqual(router("POST", "/proxies"), { kind: "found", handler: "create", params: {} });
  assert.deepEqual(router("GET", "/proxies/a b"), {
    kind: "found",
    handler: "get",
    params: { proxy: "a b" },
  });
  assert.deepEqual(router("PATCH", "/proxies/p/toxics/t"), {
    kind: "found",
    handler: "update",
    params: { proxy: "p", toxic: "t" },
  });
});

Deno.test("createRouter() tells a known path with another method (405) from an unknown path (404)", () => {
  assert.deepEqual(router("DELETE", "/proxies"), { kind: "method not allowed" });
  assert.deepEqual(router("GET", "/proxies/p/toxics/t"), { kind: "method not allowed" });
  assert.deepEqual(router("GET", "/nope"), { kind: "not found" });
  assert.deepEqual(router("GET", "/proxies/p/toxics"), { kind: "not found" });
  assert.deepEqual(router("GET", "proxies"), { kind: "not found" });
});

Deno.test("createRouter() matches no row for a trailing slash or an empty segment", () => {
  for (const path of ["/", "", "/proxies/", "//proxies", "/proxies//toxics/t", "/proxies/p/"]) {
    assert.deepEqual(router("GET", path), { kind: "not found" }, path);
  }
});

Deno.test("cleanPath() is Go's path.Clean keeping a trailing slash", () => {
  assert.equal(cleanPath("/proxies"), "/proxies");
  assert.equal(cleanPath("//proxies"), "/proxies");
  assert.equal(cleanPath("/proxies//toxics/"), "/proxies/toxics/");
  assert.equal(cleanPath("/a/./b/../c"), "/a/c");
  assert.equal(cleanPath("/.."), "/");
  assert.equal(cleanPath(""), "/");
  assert.equal(cleanPath("proxies"), "/proxies");
});

Deno.test("createRouter() refuses a malformed pattern, naming the row", () => {
  assert.throws(
    () => createRouter([{ methods: ["GET"], path: "proxies", handler: 0 }]),
    /route 0 \("proxies"\): a pattern must start with "\/"/,
  );
  assert.throws(
    () => createRouter([{ methods: ["GET"], path: "/a//b", handler: 0 }]),
    /empty path segment/,
  );
  assert.throws(
    () => createRouter([{ methods: ["GET"], path: "/{x}/{x}", handler: 0 }]),
    /placeholder \{x\} appears twice/,
  );
});
