/**
 * Test support: a network that binds nothing, so the API can be tested
 * without sockets. Only `_test.ts` files import it.
 *
 * @module
 */
import type { ListenHandle, Network } from "./network.ts";

/** A fake {@linkcode Network}: ports come from a counter; `localhost` is 127.0.0.1. */
export interface FakeNetwork extends Network {
  /** Addresses currently "bound", as `ip:port`. */
  readonly bound: ReadonlySet<string>;
}

/** Creates a {@linkcode FakeNetwork}; `names` maps extra host names to addresses. */
export function createFakeNetwork(names: Record<string, string[]> = {}): FakeNetwork {
  const bound = new Set<string>();
  let nextPort = 40000;
  const hosts: Record<string, string[]> = { localhost: ["127.0.0.1", "::1"], ...names };
  return {
    bound,
    lookup(host) {
      const found = hosts[host];
      return found === undefined
        ? Promise.reject(new Error(`getaddrinfo ENOTFOUND ${host}`))
        : Promise.resolve(found);
    },
    listen(ip, port) {
      const chosen = port === 0 ? nextPort++ : port;
      const key = `${ip}:${chosen}`;
      if (bound.has(key)) {
        return Promise.reject(Object.assign(new Error("address in use"), { code: "EADDRINUSE" }));
      }
      bound.add(key);
      const handle: ListenHandle = {
        ip,
        port: chosen,
        close() {
          bound.delete(key);
          return Promise.resolve();
        },
      };
      return Promise.resolve(handle);
    },
    connect() {
      return Promise.reject(new Error("the fake network dials nothing"));
    },
  };
}
