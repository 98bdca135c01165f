import assert from "node:assert/strict";
import { MessageReader } from "./message_reader.ts";
import { startupMessage, typed } from "./messages.ts";
import { concatBytes as concat, everySplit } from "../../testing/mod.ts";

function source(chunks: readonly Uint8Array[]) {
  const queue = chunks.filter((chunk) => chunk.length > 0).map((chunk) => chunk.slice());
  return {
    read(buffer: Uint8Array): Promise<number | null> {
      const next = queue.shift();
      if (next === undefined) return Promise.resolve(null);
      const count = Math.min(buffer.length, next.length);
      buffer.set(next.subarray(0, count));
      if (count < next.length) queue.unshift(next.subarray(count));
      return Promise.resolve(count);
    },
  };
}

const startup = startupMessage({ user: "u" });
const big = typed("D", new Uint8Array(5000).fill(7));
const ready = typed("Z", Uint8Array.of(0x49));

Deno.test("MessageReader reads a packet then messages, cut at any one byte boundary", async () => {
  const bytes = concat(startup, ready, big, ready);
  for (const chunks of everySplit(bytes, 1)) {
    const reader = new MessageReader(source(chunks));
    assert.deepEqual(await reader.readPacket(), startup);
    assert.deepEqual(await reader.readMessage(), { type: 0x5a, body: Uint8Array.of(0x49) });
    assert.equal((await reader.readMessage())?.body.length, 5000);
    assert.deepEqual(await reader.readMessage(), { type: 0x5a, body: Uint8Array.of(0x49) });
    assert.equal(await reader.readMessage(), undefined);
  }
});

Deno.test("MessageReader hands over what it read ahead of the last message", async () => {
  const reader = new MessageReader(source([concat(ready, Uint8Array.of(1, 2, 3))]));
  await reader.readMessage();
  assert.deepEqual(reader.takeBuffered(), Uint8Array.of(1, 2, 3));
});

Deno.test("MessageReader reports a stream that ends inside a message", async () => {
  for (let cut = 1; cut < ready.length; cut++) {
    const reader = new MessageReader(source([ready.subarray(0, cut)]));
    await assert.rejects(reader.readMessage(), /ended inside/);
  }
});
