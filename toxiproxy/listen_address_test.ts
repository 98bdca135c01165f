/**
 * Tests of address splitting, joining, resolving and the bound-address
 * form Toxiproxy reports.
 * @module
 */

import assert from "node:assert/strict";
import {
  AddressError,
  boundListen,
  joinHostPort,
  resolveAddress,
  resolveHost,
  splitHostPort,
} from "./listen_address.ts";

const lookup = (host: string) =>
  host === "localhost"
    ? Promise.resolve(["::1", "127.0.0.1"])
    : Promise.reject(new Error(`ENOTFOUND ${host}`));

Deno.test("splitHostPort() splits host:port, [v6]:port and :port", () => {
  assert.deepEqual(splitHostPort("127.0.0.1:80"), { host: "127.0.0.1", port: 80 });
  assert.deepEqual(splitHostPort("[::1]:0"), { host: "::1", port: 0 });
  assert.deepEqual(splitHostPort(":0"), { host: "", port: 0 });
  assert.deepEqual(splitHostPort("localhost:"), { host: "localhost", port: 0 });
});

Deno.test("splitHostPort() words its errors like Go", () => {
  const message = (address: string) => {
    try {
      splitHostPort(address);
    } catch (error) {
      assert.ok(error instanceof AddressError);
      return error.message;
    }
    return "no error";
  };
  assert.equal(message("local373"), "address local373: missing port in address");
  assert.equal(message("bad"), "address bad: missing port in address");
  assert.equal(message("a:b:1"), "address a:b:1: too many colons in address");
  assert.equal(message("[::1"), "address [::1: missing ']' in address");
  assert.equal(message("h:99999"), "address 99999: invalid port");
  assert.equal(message("h:http"), "lookup tcp/http: unknown port");
  assert.equal(message("h:-1"), "address -1: invalid port");
  assert.deepEqual(splitHostPort("h:+80"), { host: "h", port: 80 });
});

Deno.test("resolveHost() prefers the first IPv4 address; IP literals stay as they are", async () => {
  assert.equal(await resolveHost("localhost", lookup), "127.0.0.1");
  assert.equal(await resolveHost("::1", lookup), "::1");
  assert.equal(await resolveHost("", lookup), "");
  await assert.rejects(() => resolveHost("nohost", lookup), /lookup nohost: no such host/);
});

Deno.test("resolveAddress() gives Go's TCPAddr string; boundListen() shows wildcards as [::]", async () => {
  assert.equal(await resolveAddress("localhost:0", lookup), "127.0.0.1:0");
  assert.equal(await resolveAddress(":0", lookup), ":0");
  assert.equal(await resolveAddress("[::1]:5", lookup), "[::1]:5");
  assert.equal(boundListen("", 5), "[::]:5");
  assert.equal(boundListen("0.0.0.0", 5), "[::]:5");
  assert.equal(boundListen("::1", 5), "[::1]:5");
  assert.equal(joinHostPort("127.0.0.1", 5), "127.0.0.1:5");
});
