import assert from "node:assert/strict";
import { probeRedis } from "./probe.ts";

/** A fake server: answers each command with the next scripted reply. */
function scripted(...replies: string[]) {
  const written: string[] = [];
  let pending = "";
  return {
    written,
    write(bytes: Uint8Array): Promise<number> {
      written.push(new TextDecoder().decode(bytes));
      pending += replies.shift() ?? "";
      return Promise.resolve(bytes.length);
    },
    read(buffer: Uint8Array): Promise<number | null> {
      if (pending === "") return Promise.resolve(null);
      const bytes = new TextEncoder().encode(pending);
      pending = "";
      buffer.set(bytes);
      return Promise.resolve(bytes.length);
    },
  };
}

Deno.test("probeRedis: PONG is up", async () => {
  const conn = scripted("+PONG\r\n");
  assert.deepEqual(await probeRedis(conn, { role: "any" }), { up: true });
  assert.deepEqual(conn.written, ["*1\r\n$4\r\nPING\r\n"]);
});

Deno.test("probeRedis: LOADING and MASTERDOWN are down, with the server's words", async () => {
  const loading = "-LOADING Redis is loading the dataset in memory\r\n";
  assert.deepEqual(await probeRedis(scripted(loading), { role: "any" }), {
    up: false,
    reason: "PING: LOADING Redis is loading the dataset in memory",
  });
  const masterDown = "-MASTERDOWN Link with MASTER is down\r\n";
  const outcome = await probeRedis(scripted(masterDown), { role: "any" });
  assert.equal(outcome.up, false);
});

Deno.test("probeRedis: with role primary, a replica is down and a master is up", async () => {
  const replica = "*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:6379\r\n$9\r\nconnected\r\n:1\r\n";
  assert.deepEqual(await probeRedis(scripted("+PONG\r\n", replica), { role: "primary" }), {
    up: false,
    reason: 'not a primary: ROLE is "slave"',
  });
  const master = "*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n";
  assert.deepEqual(await probeRedis(scripted("+PONG\r\n", master), { role: "primary" }), {
    up: true,
  });
});

Deno.test("probeRedis authenticates first when a password is set", async () => {
  const conn = scripted("+OK\r\n", "+PONG\r\n");
  assert.deepEqual(await probeRedis(conn, { role: "any", password: "pw" }), { up: true });
  assert.equal(conn.written[0], "*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n");
  const denied = scripted("-WRONGPASS invalid username-password pair\r\n");
  const outcome = await probeRedis(denied, { role: "any", password: "x" });
  assert.equal(outcome.up, false);
});
