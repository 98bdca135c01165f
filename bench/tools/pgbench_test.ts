import assert from "node:assert/strict";
import { parsePgbenchOutput, pgbenchArgs } from "./pgbench.ts";

const REPORT = `pgbench (15.18 (Debian 15.18-0+deb12u1))
transaction type: <builtin: select only>
scaling factor: 1
query mode: simple
number of clients: 8
number of threads: 1
maximum number of tries: 1
duration: 3 s
number of transactions actually processed: 125566
number of failed transactions: 0 (0.000%)
latency average = 0.190 ms
initial connection time = 17.690 ms
tps = 42088.912770 (without initial connection time)
`;

Deno.test("parsePgbenchOutput() reads tps and the transactions processed", () => {
  assert.deepEqual(parsePgbenchOutput(REPORT), { tps: 42088.91277, transactions: 125566 });
});

Deno.test("parsePgbenchOutput() fails on failed transactions and on output without a rate", () => {
  assert.throws(
    () => parsePgbenchOutput(REPORT.replace("failed transactions: 0", "failed transactions: 3")),
    /3 transactions failed/,
  );
  assert.throws(
    () => parsePgbenchOutput("pgbench: error: connection to server failed"),
    /printed no tps/,
  );
});

Deno.test("pgbenchArgs() runs select-only without vacuum on 127.0.0.1", () => {
  const args = pgbenchArgs(5432, { clients: 8, seconds: 5 });
  assert.deepEqual(args.slice(0, 2), ["-S", "-n"]);
  assert.equal(args[args.indexOf("-c") + 1], "8");
  assert.equal(args[args.indexOf("-T") + 1], "5");
  assert.equal(args[args.indexOf("-h") + 1], "127.0.0.1");
});
