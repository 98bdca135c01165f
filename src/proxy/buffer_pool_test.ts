import assert from "node:assert/strict";
import { BufferPool } from "./buffer_pool.ts";

Deno.test("BufferPool lends each size and reuses what is given back", () => {
  const pool = new BufferPool({ sizes: [1024, 8192] });
  const medium = pool.borrow(1024);
  const bulk = pool.borrow(8192);
  assert.equal(medium.length, 1024);
  assert.equal(bulk.length, 8192);
  pool.giveBack(medium);
  pool.giveBack(bulk);
  assert.equal(pool.freeCount, 2);
  assert.equal(pool.borrow(8192), bulk);
  assert.equal(pool.borrow(1024), medium);
  assert.equal(pool.freeCount, 0);
});

Deno.test("BufferPool keeps at most maxFreeBytes of each size, and nothing of a size it does not lend", () => {
  const pool = new BufferPool({ sizes: [1024, 4096], maxFreeBytes: 8192 });
  for (let i = 0; i < 10; i++) pool.giveBack(new Uint8Array(1024));
  for (let i = 0; i < 10; i++) pool.giveBack(new Uint8Array(4096));
  pool.giveBack(new Uint8Array(2048));
  assert.equal(pool.freeCount, 8 + 2);
});

Deno.test("BufferPool by default lends 64 KiB and 1 MiB, and refuses sizes that do not increase", () => {
  assert.deepEqual(new BufferPool().sizes, [64 * 1024, 1024 * 1024]);
  assert.throws(() => new BufferPool({ sizes: [4096, 4096] }), /sizes\[1\] is 4096/);
  assert.throws(() => new BufferPool({ sizes: [0] }), /positive integers: sizes\[0\] is 0/);
});
