import assert from "node:assert/strict";
import { parseCpuTicks, parseVmRssKib } from "./procfs.ts";

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
