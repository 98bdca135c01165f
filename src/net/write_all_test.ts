import assert from "node:assert/strict";
import { writeAll } from "./write_all.ts";

Deno.test("writeAll() keeps writing after short writes until every byte is out", async () => {
  const chunks: number[][] = [];
  const conn = {
    write(bytes: Uint8Array) {
      const taken = Math.min(3, bytes.length);
      chunks.push([...bytes.subarray(0, taken)]);
      return Promise.resolve(taken);
    },
  };
  await writeAll(conn, new Uint8Array([1, 2, 3, 4, 5, 6, 7]));
  assert.deepEqual(chunks, [[1, 2, 3], [4, 5, 6], [7]]);
});
