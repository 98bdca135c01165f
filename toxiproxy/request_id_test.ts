/**
 * Tests of the request ids: shape, uniqueness and time order.
 * @module
 */

import assert from "node:assert/strict";
import { createRequestIdGenerator } from "./request_id.ts";

Deno.test("request ids are 20 base32hex characters, unique, and sort by time", () => {
  let now = 1_700_000_000_000;
  const next = createRequestIdGenerator(() => now, (n) => new Uint8Array(n).fill(1));
  const a = next();
  const b = next();
  now += 1000;
  const c = next();
  for (const id of [a, b, c]) assert.match(id, /^[0-9a-v]{20}$/);
  assert.notEqual(a, b);
  assert.ok(a < c && b < c);
});
