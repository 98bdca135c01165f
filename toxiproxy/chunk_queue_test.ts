/**
 * Tests of the chunk queue: order, capacity and waking a waiting reader.
 * @module
 */

import assert from "node:assert/strict";
import { ChunkQueue, END } from "./chunk_queue.ts";

const chunk = (n: number) => ({ data: new Uint8Array([n]), at: 0 });

Deno.test("ChunkQueue keeps order and reports space against its capacity", async () => {
  const q = new ChunkQueue(2);
  q.push(chunk(1));
  assert.ok(q.hasSpace());
  q.push(chunk(2));
  assert.ok(!q.hasSpace());
  let woke = false;
  const space = q.waitSpace().then(() => (woke = true));
  assert.deepEqual(q.shift(), chunk(1));
  await space;
  assert.ok(woke);
  assert.deepEqual(q.shift(), chunk(2));
  assert.equal(q.shift(), undefined);
});

Deno.test("ChunkQueue.waitItem() resolves on push; END stays queued once reached", async () => {
  const q = new ChunkQueue(8);
  const waiting = q.waitItem();
  q.push(chunk(1));
  await waiting;
  q.push(END);
  assert.deepEqual(q.shift(), chunk(1));
  assert.equal(q.shift(), END);
  assert.equal(q.shift(), END);
  assert.equal(q.length, 1);
});

Deno.test("ChunkQueue.moveTo() appends everything, END included, in order", () => {
  const a = new ChunkQueue(8);
  const b = new ChunkQueue(8);
  b.push(chunk(0));
  a.push(chunk(1));
  a.push(chunk(2));
  a.push(END);
  a.moveTo(b);
  assert.equal(a.length, 0);
  assert.deepEqual([b.shift(), b.shift(), b.shift(), b.shift()], [
    chunk(0),
    chunk(1),
    chunk(2),
    END,
  ]);
});

Deno.test("ChunkQueue.kill() wakes waiters, drops items and refuses pushes", async () => {
  const q = new ChunkQueue(1);
  q.push(chunk(1));
  const space = q.waitSpace();
  const consumer = new ChunkQueue(1);
  const item = consumer.waitItem();
  q.kill();
  consumer.kill();
  await Promise.all([space, item]);
  q.push(chunk(2));
  assert.equal(q.length, 0);
  assert.ok(q.dead && q.hasSpace());
});

Deno.test("ChunkQueue refuses a capacity below 1", () => {
  assert.throws(() => new ChunkQueue(0), RangeError);
});
