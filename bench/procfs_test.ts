import assert from "node:assert/strict";
import {
  busyShare,
  othersBusyShare,
  parseCpuTicks,
  parseCpuTimes,
  parseVmRssKib,
} from "./procfs.ts";

Deno.test("parseVmRssKib() reads the VmRSS line in KiB", () => {
  const status = "Name:\tdeno\nVmPeak:\t  900000 kB\nVmRSS:\t   61234 kB\nRssAnon:\t 40000 kB\n";
  assert.equal(parseVmRssKib(status), 61234);
});

Deno.test("parseVmRssKib() rejects text without VmRSS (a kernel thread)", () => {
  assert.throws(() => parseVmRssKib("Name:\tkthreadd\n"), TypeError);
});

Deno.test("parseCpuTicks() adds utime and stime, even when the name holds ') '", () => {
  const stat = "4242 (we ) ird) S 1 4242 4242 0 -1 4194560 1500 0 0 0 731 269 0 0 20 0 5 0 100 " +
    "1000 200 18446744073709551615";
  assert.equal(parseCpuTicks(stat), 731 + 269);
});

Deno.test("parseCpuTicks() rejects a line that is not a stat line", () => {
  assert.throws(() => parseCpuTicks("no parenthesis here"), TypeError);
  assert.throws(() => parseCpuTicks("1 (x) S 1"), TypeError);
});

Deno.test("parseCpuTimes() counts all but idle, iowait and steal as busy", () => {
  const stat = "cpu  100 5 50 800 20 3 2 7 0 0\ncpu0 50 2 25 400 10 1 1 0 0 0\nintr 1\n";
  assert.deepEqual(parseCpuTimes(stat), { busy: 160, total: 987 });
  assert.throws(() => parseCpuTimes("intr 1\n"), TypeError);
});

Deno.test("busyShare() is the busy part of the jiffies between two readings", () => {
  assert.equal(busyShare({ busy: 100, total: 1000 }, { busy: 150, total: 1200 }), 0.25);
  assert.equal(busyShare({ busy: 1, total: 10 }, { busy: 1, total: 10 }), 0);
});

Deno.test("parseCpuTicks() adds reaped children's time when asked", () => {
  const stat = "7 (deno) S 1 7 7 0 -1 0 0 0 0 0 10 5 300 200 20 0 5 0 100 1000 200";
  assert.equal(parseCpuTicks(stat), 15);
  assert.equal(parseCpuTicks(stat, true), 515);
});

Deno.test("othersBusyShare() leaves out this process tree's own CPU time", () => {
  const before = { machine: { busy: 1000, total: 10_000 }, own: 100 };
  const after = { machine: { busy: 1800, total: 12_000 }, own: 700 };
  assert.equal(othersBusyShare(before, after), 0.1);
  assert.equal(othersBusyShare(after, after), 0);
});
