/**
 * Ports for tools that cannot be told to bind port 0 (redis-server,
 * iperf3, PostgreSQL, the Go Iaido): one that was free a moment ago.
 * @module
 */

/** A TCP port on 127.0.0.1 that was free a moment ago (bound, then released). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
