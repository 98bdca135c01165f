/**
 * Tests of the stage loop: interrupts, restarts, toxicity draws and state
 * that survives an update.
 * @module
 */

import assert from "node:assert/strict";
import { type Chunk, ChunkQueue, END, type QueueItem } from "./chunk_queue.ts";
import { Stage, type StageToxic } from "./stage.ts";
import { LoopLag } from "../src/testing/mod.ts";
import { latency, limitData, slowClose } from "./toxics/mod.ts";

const options = { now: () => performance.now(), random: () => 0.5 };
const bytes = (...values: number[]) => new Uint8Array(values);

function stageOf(toxic: StageToxic) {
  const input = new ChunkQueue(64);
  const output = new ChunkQueue(64);
  const stage = new Stage(toxic, input, output, options);
  return { input, output, stage };
}

async function next(q: ChunkQueue): Promise<QueueItem> {
  while (true) {
    const item = q.shift();
    if (item !== undefined) return item;
    await q.waitItem();
  }
}

Deno.test("Stage with toxicity 0 passes data through untouched", async () => {
  const { input, output, stage } = stageOf({
    type: latency,
    attributes: { latency: 10_000, jitter: 0 },
    toxicity: 0,
  });
  stage.start();
  input.push({ data: bytes(1, 2), at: options.now() });
  assert.deepEqual(((await next(output)) as Chunk).data, bytes(1, 2));
  input.push(END);
  assert.equal(await next(output), END);
  assert.ok(stage.finished);
});

Deno.test("Stage.interrupt() makes a latency toxic send its held chunk at once", async () => {
  const { input, output, stage } = stageOf({
    type: latency,
    attributes: { latency: 10_000, jitter: 0 },
    toxicity: 1,
  });
  stage.start();
  input.push({ data: bytes(7), at: options.now() });
  input.push({ data: bytes(8), at: options.now() });
  await new Promise((resolve) => queueMicrotask(() => resolve(undefined)));
  using lag = new LoopLag();
  const start = performance.now();
  await stage.interrupt();
  assert.ok(performance.now() - start < 100 + lag.worstMs);
  assert.deepEqual((output.shift() as Chunk).data, bytes(7));
  // The second chunk is still queued in front of the stage; a restart handles it.
  assert.equal(input.length, 1);
  stage.toxic = { ...stage.toxic, attributes: { latency: 0, jitter: 0 } };
  stage.start();
  assert.deepEqual(((await next(output)) as Chunk).data, bytes(8));
  await stage.shutdown();
});

Deno.test("Stage keeps limit_data's count across a restart with new attributes", async () => {
  const { input, output, stage } = stageOf({
    type: limitData,
    attributes: { bytes: 4 },
    toxicity: 1,
  });
  stage.start();
  input.push({ data: bytes(1, 2, 3), at: 0 });
  assert.deepEqual(((await next(output)) as Chunk).data, bytes(1, 2, 3));
  await stage.interrupt();
  stage.toxic = { ...stage.toxic, attributes: { bytes: 5 } };
  stage.start();
  input.push({ data: bytes(4, 5, 6, 7), at: 0 });
  assert.deepEqual(((await next(output)) as Chunk).data, bytes(4, 5));
  assert.equal(await next(output), END);
  assert.ok(stage.finished && input.dead);
});

Deno.test("Stage: END stays queued, so slow_close interrupted mid-delay still closes after a restart", async () => {
  const { input, output, stage } = stageOf({
    type: slowClose,
    attributes: { delay: 10_000 },
    toxicity: 1,
  });
  stage.start();
  input.push(END);
  await new Promise((resolve) => setTimeout(resolve, 0));
  await stage.interrupt();
  assert.equal(output.length, 0);
  stage.toxic = { ...stage.toxic, attributes: { delay: 1 } };
  stage.start();
  assert.equal(await next(output), END);
});

Deno.test("Stage.shutdown() cuts even an uninterruptible wait short", async () => {
  const { resetPeer } = await import("./toxics/mod.ts");
  const { input, stage } = stageOf({
    type: resetPeer,
    attributes: { timeout: 60_000 },
    toxicity: 1,
  });
  stage.start();
  input.push({ data: bytes(1), at: 0 });
  await new Promise((resolve) => setTimeout(resolve, 0));
  using lag = new LoopLag();
  const start = performance.now();
  await stage.shutdown();
  assert.ok(performance.now() - start < 100 + lag.worstMs);
});
