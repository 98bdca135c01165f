/**
 * Checks and rewrites for string fields of the schema: addresses, bind
 * addresses (with Go Iaido's `tcp:` prefix), SRV names.
 * @module
 */

import { hostProblem, parseHostPort } from "./address.ts";

export function srvCheck(value: string): string | undefined {
  return hostProblem(value) === undefined
    ? undefined
    : `must be a DNS name, got ${JSON.stringify(value)}`;
}

export function addressCheck(value: string): string | undefined {
  const parsed = parseHostPort(value);
  return typeof parsed === "string" ? parsed : undefined;
}

/** Go Iaido accepts `tcp:host:port` (any case) for a bind address. */
export function withoutTcpPrefix(value: string): string {
  return /^tcp:/i.test(value) ? value.slice(4) : value;
}

export function bindCheck(value: string): string | undefined {
  if (/^udp:/i.test(value)) return "UDP is not supported (Go Iaido cannot serve it either)";
  return addressCheck(value);
}

export function optionalAddressCheck(value: string): string | undefined {
  return value === "" ? undefined : addressCheck(value);
}
