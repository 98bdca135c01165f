import assert from "node:assert/strict";
import { EventWheel } from "./wheel.ts";

Deno.test("EventWheel runs events in time order, FIFO within a millisecond", () => {
  const wheel = new EventWheel<string>(100);
  const seen: string[] = [];
  wheel.at(50, "c");
  wheel.at(10.2, "b"); // rounded up to 11
  wheel.at(10, "a");
  wheel.at(50, "d");
  wheel.run((event, now) => seen.push(`${event}@${now}`));
  assert.deepEqual(seen, ["a@10", "b@11", "c@50", "d@50"]);
});

Deno.test("EventWheel runs events scheduled while running, never in the past, drops those past the end", () => {
  const wheel = new EventWheel<number>(20);
  const seen: string[] = [];
  wheel.at(5, 0);
  wheel.run((event, now) => {
    seen.push(`${event}@${now}`);
    if (event === 0) {
      wheel.at(now, 1); // same millisecond: still runs
      wheel.at(now - 3, 2); // in the past: runs now
      wheel.at(now + 100, 3); // past the end: dropped
    }
  });
  assert.deepEqual(seen, ["0@5", "1@5", "2@5"]);
  assert.equal(wheel.now, 20);
});
