import assert from "node:assert/strict";
import type net from "node:net";
import { type Buffers, SMALL_BUFFER_SIZE, SocketReader } from "./reader.ts";

/** The other socket as the reader sees it: writes stay queued until `complete()`. */
function fakeSink() {
  const queued: { chunk: Uint8Array; done: () => void }[] = [];
  let syncWrites = true;
  const sink = {
    destroyed: false,
    writableLength: 0,
    write(chunk: Uint8Array, done: () => void) {
      if (syncWrites) {
        // Written through at once; node still calls back a tick later.
        queueMicrotask(done);
      } else {
        queued.push({ chunk, done });
        sink.writableLength += chunk.length;
      }
      return true;
    },
  };
  return {
    socket: sink as unknown as net.Socket,
    queued,
    /** Whether the kernel takes writes whole (true) or they queue (false). */
    set writesThrough(value: boolean) {
      syncWrites = value;
    },
    /** Completes the oldest queued write, as node does: length first, then its callback. */
    complete() {
      const write = queued.shift();
      assert.ok(write, "a queued write");
      sink.writableLength -= write.chunk.length;
      write.done();
    },
  };
}

function fakeSource() {
  const source = { destroyed: false, resumed: 0, resume: () => void source.resumed++ };
  return source;
}

function pool() {
  const out = new Set<Uint8Array>();
  let free = 0;
  const buffers: Buffers = {
    borrow: () => {
      const buffer = new Uint8Array(4096);
      out.add(buffer);
      return buffer;
    },
    giveBack: (buffer) => {
      assert.ok(out.delete(buffer), "given back once, after borrowing");
      free++;
    },
  };
  return {
    buffers,
    get free() {
      return free;
    },
    get out() {
      return out.size;
    },
  };
}

/** Reads `text` as node would: into the reader's buffer for the next read, then its callback. */
function read(reader: SocketReader, text: string): { buffer: Uint8Array; more: boolean } {
  const buffer = reader.buffer();
  const bytes = new TextEncoder().encode(text);
  assert.ok(bytes.length <= buffer.length);
  buffer.set(bytes);
  return { buffer, more: reader.callback(bytes.length, buffer) };
}

Deno.test("SocketReader writes each read from its own buffer and keeps reading while writes go through", async () => {
  const sink = fakeSink();
  const source = fakeSource();
  const reader = new SocketReader(pool().buffers);
  reader.pipe(source as unknown as net.Socket, sink.socket);
  const first = read(reader, "PING\r\n");
  assert.equal(first.more, true);
  assert.equal(reader.writing, false);
  const second = read(reader, "PONG\r\n");
  assert.equal(second.buffer, first.buffer, "the same small buffer, no copy");
  await Promise.resolve();
  assert.equal(reader.bytes, 12);
});

Deno.test("SocketReader pauses while a write from its buffer is queued, and never reads into it meanwhile", async () => {
  const sink = fakeSink();
  const source = fakeSource();
  const buffers = pool();
  const reader = new SocketReader(buffers.buffers);
  reader.pipe(source as unknown as net.Socket, sink.socket);
  const resumedAtStart = source.resumed;
  // An earlier write that went through calls back late, while a later one is queued.
  read(reader, "a");
  sink.writesThrough = false;
  const queued = read(reader, "queued");
  assert.equal(queued.more, false, "reading pauses");
  assert.equal(reader.writing, true);
  await Promise.resolve(); // the first write's late callback
  assert.equal(source.resumed, resumedAtStart, "not resumed by another write's callback");
  assert.equal(new TextDecoder().decode(sink.queued[0]?.chunk), "queued");
  sink.complete();
  assert.equal(reader.writing, false);
  assert.equal(source.resumed, resumedAtStart + 1, "resumed once the write completed");
});

Deno.test("SocketReader keeps a borrowed buffer out of the pool while a write points into it", () => {
  const sink = fakeSink();
  const source = fakeSource();
  const buffers = pool();
  const reader = new SocketReader(buffers.buffers);
  reader.pipe(source as unknown as net.Socket, sink.socket);
  // A full small read: the next read borrows a large buffer.
  read(reader, "x".repeat(SMALL_BUFFER_SIZE));
  sink.writesThrough = false;
  const bulk = read(reader, "tail");
  assert.equal(bulk.buffer.length, 4096, "read into the large buffer");
  assert.equal(bulk.more, false);
  // node asks for the next buffer right after the callback: a short read
  // would give the large one back, but its write is still queued.
  assert.equal(reader.buffer().buffer, bulk.buffer.buffer);
  assert.equal(buffers.free, 0);
  sink.complete();
  sink.writesThrough = true;
  read(reader, "short");
  assert.equal(reader.buffer().length, SMALL_BUFFER_SIZE, "back on the small buffer");
  assert.equal(buffers.free, 1, "given back once nothing points into it");
  reader.release();
  assert.equal(buffers.out, 0);
});
