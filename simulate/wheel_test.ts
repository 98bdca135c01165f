import assert from "node:assert/strict";
import { EventWheel } from "./wheel.ts";

interface Ev {
  readonly name: string | number;
  next: Ev | undefined;
}
const ev = (name: string | number): Ev => ({ name, next: undefined });

Deno.test("EventWheel runs events in time order, FIFO within a millisecond", () => {
  const wheel = new EventWheel<Ev>(100);
  const seen: string[] = [];
  wheel.at(50, ev("c"));
  wheel.at(10.2, ev("b")); // rounded up to 11
  wheel.at(10, ev("a"));
  wheel.at(50, ev("d"));
  wheel.run((event, now) => seen.push(`${event.name}@${now}`));
  assert.deepEqual(seen, ["a@10", "b@11", "c@50", "d@50"]);
});

Deno.test("EventWheel runs events scheduled while running, never in the past, drops those past the end", () => {
  const wheel = new EventWheel<Ev>(20);
  const seen: string[] = [];
  const first = ev(0);
  let again = true;
  wheel.at(5, first);
  wheel.run((event, now) => {
    seen.push(`${event.name}@${now}`);
    if (event.name === 0 && again) {
      again = false;
      wheel.at(now, ev(1)); // same millisecond: still runs
      wheel.at(now - 3, ev(2)); // in the past: runs now
      wheel.at(now + 100, ev(3)); // past the end: dropped
      wheel.at(now + 2, event); // an event may schedule itself again
    }
  });
  assert.deepEqual(seen, ["0@5", "1@5", "2@5", "0@7"]);
  assert.equal(wheel.now, 20);
});
