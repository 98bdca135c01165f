import assert from "node:assert/strict";
import { FakeScheduler, recordingLog } from "../testing/mod.ts";
import { AcceptLoop } from "./accept_loop.ts";

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A listener whose accepts the test answers one by one. */
class ScriptedListener {
  readonly #waiting: Array<{ resolve: (c: Deno.TcpConn) => void; reject: (e: Error) => void }> = [];
  accept(): Promise<Deno.TcpConn> {
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }
  get pendingAccepts(): number {
    return this.#waiting.length;
  }
  fail(code: string): void {
    this.#waiting.shift()?.reject(Object.assign(new Error(`${code} (os error 24)`), { code }));
  }
  succeed(conn: Deno.TcpConn): void {
    this.#waiting.shift()?.resolve(conn);
  }
  close(): void {
    for (const waiter of this.#waiting.splice(0)) {
      waiter.reject(new Deno.errors.BadResource("closed"));
    }
  }
}

Deno.test("AcceptLoop backs off 10 ms doubling after EMFILE, accepts again, and logs the episode once with its count", async () => {
  const scheduler = new FakeScheduler(0);
  const listener = new ScriptedListener();
  const log = recordingLog();
  const accepted: Deno.TcpConn[] = [];
  const loop = new AcceptLoop(listener as unknown as Deno.Listener<Deno.TcpConn>, {
    onConnection: (conn) => accepted.push(conn),
    scheduler,
    log,
    logFields: { frontend: "db" },
  });
  await settle();
  const delays: number[] = [];
  for (let i = 0; i < 4; i++) {
    listener.fail("EMFILE");
    await settle();
    assert.equal(listener.pendingAccepts, 0, "no accept while waiting");
    assert.equal(scheduler.pending, 1, "one retry planned");
    const delay = (scheduler.nextAt ?? 0) - scheduler.now();
    delays.push(delay);
    await scheduler.advance(delay);
  }
  assert.deepEqual(delays, [10, 20, 40, 80]);
  assert.equal(loop.stall?.failures, 4);
  assert.match(loop.stall?.reason ?? "", /EMFILE/);
  assert.equal(loop.stall?.since, 0);
  assert.deepEqual(log.lines.map(([level]) => level), ["warn"]);
  assert.equal(log.lines[0]?.[2]?.["code"], "EMFILE");

  const conn = { close() {} } as unknown as Deno.TcpConn;
  listener.succeed(conn);
  await settle();
  assert.deepEqual(accepted, [conn]);
  assert.equal(loop.stall, undefined, "accepting again: ready again at once");
  assert.equal(log.lines.length, 1, "but the episode is not over while failures may recur");

  listener.fail("EMFILE");
  await settle();
  assert.equal(log.lines.length, 1, "a failure soon after continues the episode quietly");
  await scheduler.advance(10);
  await scheduler.advance(5_000);
  listener.succeed(conn);
  await settle();
  assert.deepEqual(log.lines[1]?.slice(0, 2), ["info", "accepting again"]);
  assert.equal(log.lines[1]?.[2]?.["failedAccepts"], 5);
  assert.equal(log.lines[1]?.[2]?.["forMs"], 150);
  assert.equal(log.lines.length, 2);

  listener.fail("EMFILE");
  await settle();
  assert.equal((scheduler.nextAt ?? 0) - scheduler.now(), 10, "a new episode starts from 10 ms");
  await loop.close();
  assert.equal(scheduler.pending, 0, "closing cancels the pending retry");
});

Deno.test("AcceptLoop ends quietly when its listener is closed", async () => {
  const scheduler = new FakeScheduler(0);
  const listener = new ScriptedListener();
  const log = recordingLog();
  const loop = new AcceptLoop(listener as unknown as Deno.Listener<Deno.TcpConn>, {
    onConnection: () => {},
    scheduler,
    log,
  });
  await settle();
  listener.close();
  await loop.finished;
  assert.deepEqual(log.lines, []);
  assert.equal(scheduler.pending, 0);
});
