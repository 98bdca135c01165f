/**
 * A tiny authoritative DNS server on 127.0.0.1 (UDP) for tests: answers A,
 * AAAA and SRV questions from records the test sets and changes.
 * @module
 */

import dgram from "node:dgram";
import { concatBytes } from "./bytes.ts";

/** One SRV record. */
export interface SrvRecord {
  readonly target: string;
  readonly port: number;
  readonly priority?: number;
  readonly weight?: number;
}

/** The records of one name. */
export interface DnsRecords {
  readonly A?: readonly string[];
  readonly AAAA?: readonly string[];
  readonly SRV?: readonly SrvRecord[];
}

/** A running test DNS server. */
export interface TestDnsServer extends AsyncDisposable {
  /** `127.0.0.1:PORT`, for `resolver.nameServer`. */
  readonly address: string;
  readonly port: number;
  /** Questions answered so far. */
  readonly queries: number;
  /** Sets (replaces) a name's records; `undefined` removes the name (NXDOMAIN). */
  set(name: string, records: DnsRecords | undefined): void;
  /** Answers SERVFAIL to everything while true. */
  failing: boolean;
  close(): Promise<void>;
}

const TYPE = { A: 1, AAAA: 28, SRV: 33 } as const;

/** Starts the server on 127.0.0.1 and an ephemeral port. */
export async function startTestDnsServer(): Promise<TestDnsServer> {
  const socket = dgram.createSocket("udp4");
  const zone = new Map<string, DnsRecords>();
  let queries = 0;
  const server = {
    failing: false,
  };
  socket.on("message", (message: Uint8Array, remote: { port: number; address: string }) => {
    queries++;
    const reply = answer(message, zone, server.failing);
    if (reply !== undefined) socket.send(reply, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  const port = (socket.address() as { port: number }).port;
  let closed: Promise<void> | undefined;
  const close = () => closed ??= new Promise<void>((resolve) => socket.close(() => resolve()));
  // defineProperty, not Object.assign: assign would copy the getter's value once.
  Object.defineProperty(server, "queries", { get: () => queries });
  return Object.assign(server as typeof server & { readonly queries: number }, {
    address: `127.0.0.1:${port}`,
    port,
    set(name: string, records: DnsRecords | undefined) {
      const key = normalize(name);
      if (records === undefined) zone.delete(key);
      else zone.set(key, records);
    },
    close,
    [Symbol.asyncDispose]: close,
  });
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

function answer(
  query: Uint8Array,
  zone: Map<string, DnsRecords>,
  failing: boolean,
): Uint8Array | undefined {
  if (query.length < 12) return undefined;
  const view = new DataView(query.buffer, query.byteOffset, query.byteLength);
  let offset = 12;
  const labels: string[] = [];
  while (offset < query.length && query[offset] !== 0) {
    const length = query[offset] as number;
    labels.push(new TextDecoder().decode(query.subarray(offset + 1, offset + 1 + length)));
    offset += 1 + length;
  }
  offset++;
  if (offset + 4 > query.length) return undefined;
  const type = view.getUint16(offset);
  const question = query.subarray(12, offset + 4);
  const records = zone.get(normalize(labels.join(".")));
  const answers: Uint8Array[] = [];
  if (records !== undefined && !failing) {
    if (type === TYPE.A) {
      for (const ip of records.A ?? []) answers.push(record(TYPE.A, ipv4(ip)));
    }
    if (type === TYPE.AAAA) {
      for (const ip of records.AAAA ?? []) answers.push(record(TYPE.AAAA, ipv6(ip)));
    }
    if (type === TYPE.SRV) {
      for (const srv of records.SRV ?? []) answers.push(record(TYPE.SRV, srvData(srv)));
    }
  }
  const rcode = failing ? 2 : records === undefined ? 3 : 0;
  const header = new Uint8Array(12);
  const out = new DataView(header.buffer);
  out.setUint16(0, view.getUint16(0));
  out.setUint16(2, 0x8400 | (view.getUint16(2) & 0x0100) | rcode);
  out.setUint16(4, 1);
  out.setUint16(6, answers.length);
  return concatBytes(header, question, ...answers);
}

/** An answer record pointing back at the question's name (compression pointer 0xc00c). */
function record(type: number, data: Uint8Array): Uint8Array {
  const head = new Uint8Array(12);
  const view = new DataView(head.buffer);
  view.setUint16(0, 0xc00c);
  view.setUint16(2, type);
  view.setUint16(4, 1);
  view.setUint32(6, 0);
  view.setUint16(10, data.length);
  return concatBytes(head, data);
}

function ipv4(ip: string): Uint8Array {
  return new Uint8Array(ip.split(".").map(Number));
}

function ipv6(ip: string): Uint8Array {
  const [head = "", tail = ""] = ip.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === "" ? [] : tail.split(":");
  const groups = ip.includes("::")
    ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right]
    : left;
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) =>
    new DataView(bytes.buffer).setUint16(index * 2, parseInt(group, 16))
  );
  return bytes;
}

function srvData(srv: SrvRecord): Uint8Array {
  const head = new Uint8Array(6);
  const view = new DataView(head.buffer);
  view.setUint16(0, srv.priority ?? 10);
  view.setUint16(2, srv.weight ?? 10);
  view.setUint16(4, srv.port);
  const name = srv.target.replace(/\.$/, "").split(".").flatMap((label) => {
    const bytes = new TextEncoder().encode(label);
    return [bytes.length, ...bytes];
  });
  return concatBytes(head, new Uint8Array([...name, 0]));
}
