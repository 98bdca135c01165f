/**
 * The one lease-and-dial loop, on fake leases: a failed dial is reported
 * and the next pick tried for the same client, a local failure blames no
 * backend, and a session closed while dialling reports nothing connected.
 */

import assert from "node:assert/strict";
import type { BackendSpec } from "../pool/mod.ts";
import { FakeScheduler } from "../testing/mod.ts";
import { DialError, LocalDialError } from "./dial.ts";
import { DialControl, leaseAndDial } from "./lease_dial.ts";
import type { LeaseSource, SessionLease } from "./session_lease.ts";

function spec(port: number): BackendSpec {
  return {
    key: `127.0.0.1:${port}`,
    hostname: "127.0.0.1",
    port,
    tier: 0,
    tierName: "home",
    maxConnections: 0,
    dialTimeoutMs: 1_000,
    configDisabled: false,
  };
}

/** Leases on `ports` in order (then none), recording what each was told. */
function leasesOn(ports: number[]) {
  const told: string[] = [];
  const next = (): SessionLease | undefined => {
    const port = ports.shift();
    if (port === undefined) return undefined;
    return {
      backend: spec(port),
      connected: () => void told.push(`${port} connected`),
      failed: (error) => void told.push(`${port} failed ${error.kind}`),
      release: () => void told.push(`${port} released`),
    };
  };
  const source: LeaseSource = {
    tryAcquire: next,
    acquire: () => Promise.resolve(next()),
  };
  return { source, told };
}

function run(
  ports: number[],
  dial: (backend: BackendSpec) => Promise<void>,
  closed = () => false,
) {
  const { source, told } = leasesOn(ports);
  const held: (number | undefined)[] = [];
  const local: string[] = [];
  const result = leaseAndDial(
    {
      leases: source,
      scheduler: new FakeScheduler(),
      queueTimeoutMs: 1_000,
      localFailure: (error) => void local.push(error.reason),
    },
    {
      startedAt: 0,
      isClosed: closed,
      holding: (lease) => void held.push(lease?.backend.port),
    },
    new DialControl(closed),
    (backend) => dial(backend),
  );
  return { result, told, held, local };
}

Deno.test("leaseAndDial: a refused dial is reported and the next pick is tried for the same client", async () => {
  const { result, told, held } = run(
    [1, 2],
    (backend) =>
      backend.port === 1
        ? Promise.reject(new DialError("refused", backend.key, "connection refused"))
        : Promise.resolve(),
  );
  assert.equal(await result, "connected");
  assert.deepEqual(told, ["1 failed refused", "2 connected"]);
  assert.deepEqual(held, [1, undefined, 2], "the failed lease is let go, the next one held");
});

Deno.test("leaseAndDial: a local failure ends the client and blames no backend", async () => {
  const { result, told, local } = run(
    [1, 2],
    (backend) => Promise.reject(new LocalDialError(backend.key, "too many open files")),
  );
  assert.equal(await result, "local error");
  assert.deepEqual(told, [], "no failed(), no connected()");
  assert.deepEqual(local, ["too many open files"]);
});

Deno.test("leaseAndDial: no backend left is 'no backend'", async () => {
  const { result, told } = run(
    [1],
    (backend) => Promise.reject(new DialError("timeout", backend.key, "no answer")),
  );
  assert.equal(await result, "no backend");
  assert.deepEqual(told, ["1 failed timeout"]);
});

Deno.test("leaseAndDial: a session closed while dialling reports nothing connected", async () => {
  let closed = false;
  const { result, told } = run([1], () => {
    closed = true;
    return Promise.resolve();
  }, () => closed);
  assert.equal(await result, "no backend");
  assert.deepEqual(told, []);
});

Deno.test("DialControl: a fresh controller after a deadline, an aborted one once closed", () => {
  let closed = false;
  const control = new DialControl(() => closed);
  const first = control.controller;
  assert.equal(control.controller, first, "kept while not aborted");
  first.abort(); // a dial's deadline
  const second = control.controller;
  assert.notEqual(second, first);
  assert.equal(second.signal.aborted, false);
  closed = true;
  control.abort();
  assert.equal(second.signal.aborted, true);
  assert.equal(control.controller.signal.aborted, true, "closed: every controller is aborted");
});
