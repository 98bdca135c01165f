import assert from "node:assert/strict";
import { iperf3ClientArgs, iperf3ServerArgs, parseIperf3Json } from "./iperf3.ts";

Deno.test("iperf3 arguments stay on 127.0.0.1", () => {
  assert.deepEqual(iperf3ServerArgs(5201), ["-s", "-B", "127.0.0.1", "-p", "5201", "--forceflush"]);
  assert.deepEqual(iperf3ClientArgs(6000, 2 ** 31), [
    "-c",
    "127.0.0.1",
    "-p",
    "6000",
    "-n",
    "2147483648",
    "-J",
  ]);
});

Deno.test("parseIperf3Json() takes the receiver's bytes, time and rate", () => {
  const text = JSON.stringify({
    start: {},
    end: {
      sum_sent: { bytes: 2147483648, seconds: 1.27, bits_per_second: 13.6e9 },
      sum_received: { bytes: 2147483648, seconds: 1.28, bits_per_second: 13.4e9 },
    },
  });
  assert.deepEqual(parseIperf3Json(text), {
    bytes: 2147483648,
    seconds: 1.28,
    gbitPerSecond: 13.4,
  });
});

Deno.test("parseIperf3Json() reports iperf3's own error", () => {
  const text = '{"start":{},"end":{},"error":"unable to connect to server: Connection refused"}';
  assert.throws(() => parseIperf3Json(text), /iperf3: unable to connect/);
});

Deno.test("parseIperf3Json() rejects output that is not JSON", () => {
  assert.throws(() => parseIperf3Json("iperf3: error - bad"), /printed no JSON/);
});
