import assert from "node:assert/strict";
import { RedisSessionState } from "./session_state.ts";

const text = (value: string) => new TextEncoder().encode(value);
const command = (...words: string[]) =>
  text(`*${words.length}\r\n` + words.map((w) => `$${w.length}\r\n${w}\r\n`).join(""));

Deno.test("RedisSessionState is movable only when every reply is delivered", () => {
  const state = new RedisSessionState();
  assert.equal(state.movable, true);
  state.fromClient(command("GET", "a"));
  state.fromClient(command("GET", "b"));
  assert.equal(state.busyReason, "waiting for 2 replies");
  state.fromServer(text("$1\r\nx\r\n$1"));
  assert.equal(state.movable, false);
  state.fromServer(text("\r\ny\r\n"));
  assert.equal(state.movable, true);
});

Deno.test("RedisSessionState never moves inside MULTI or WATCH, and moves after EXEC", () => {
  const state = new RedisSessionState();
  let calls = 0;
  state.onMovable = () => calls++;
  state.fromClient(command("WATCH", "k"));
  state.fromServer(text("+OK\r\n"));
  state.fromClient(command("MULTI"));
  state.fromServer(text("+OK\r\n"));
  state.fromClient(command("INCR", "k"));
  state.fromServer(text("+QUEUED\r\n"));
  assert.equal(state.busyReason, "inside MULTI or WATCH");
  state.fromClient(command("EXEC"));
  state.fromServer(text("*1\r\n:1\r\n"));
  assert.equal(state.movable, true);
  assert.equal(calls, 1);
});

Deno.test("RedisSessionState never moves a subscriber or a blocked command", () => {
  const blocked = new RedisSessionState();
  blocked.fromClient(command("BLPOP", "q", "0"));
  assert.equal(blocked.movable, false);
  const subscriber = new RedisSessionState();
  subscriber.fromClient(command("subscribe", "news"));
  subscriber.fromServer(text("*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n"));
  assert.equal(subscriber.busyReason, "in subscribe or monitor mode");
});

Deno.test("RedisSessionState does not count RESP3 pushes as replies", () => {
  const state = new RedisSessionState();
  state.fromClient(command("GET", "a"));
  state.fromServer(text(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\na\r\n"));
  assert.equal(state.movable, false);
  state.fromServer(text("$-1\r\n"));
  assert.equal(state.movable, true);
});
