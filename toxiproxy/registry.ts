/**
 * The proxies by name and every API operation on them (create, populate,
 * update, delete, reset, toxics), with Toxiproxy's checks and messages.
 * @module
 */

import { resolveAddress } from "./listen_address.ts";
import { TcpProxy, type TcpProxyDeps } from "./tcp_proxy.ts";
import type { Attributes, ToxicType } from "./stage.ts";
import type { StreamDirection, ToxicConfig } from "./toxic_config.ts";
import { TOXIC_TYPES } from "./toxics/mod.ts";

/** An API failure: the HTTP status and Toxiproxy's message. */
export class ApiError extends Error {
  readonly status: number;
  /** @param status HTTP status; @param message the `error` field. */
  constructor(status: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ApiError";
    this.status = status;
  }
}

/** Fields of a proxy in a create or populate body; absent ones are undefined. */
export interface ProxyInput {
  readonly name?: string | undefined;
  readonly listen?: string | undefined;
  readonly upstream?: string | undefined;
  readonly enabled?: boolean | undefined;
}

/** Fields of a toxic create body; `attributes` is decoded once the type is known. */
export interface ToxicInput {
  readonly name?: string | undefined;
  readonly type?: string | undefined;
  readonly stream?: string | undefined;
  readonly toxicity?: number | undefined;
  /** Decodes the attributes for a type (throws ApiError 400). */
  readonly attributes: (type: ToxicType) => Record<string, number>;
}

/** Fields of a toxic update body. */
export interface ToxicPatch {
  readonly toxicity?: number | undefined;
  readonly attributes: (type: ToxicType) => Record<string, number>;
}

/** The result of a populate: the proxies handled, and the error that stopped it, if any. */
export interface PopulateResult {
  readonly proxies: readonly TcpProxy[];
  readonly error?: ApiError;
}

/** Every attribute of the type, missing ones 0. */
function fullAttributes(type: ToxicType, given: Record<string, number>): Attributes {
  return Object.fromEntries(type.attributeNames.map((name) => [name, given[name] ?? 0]));
}

/** Byte-wise (UTF-8) order, as Go sorts map keys. */
function compareUtf8(a: string, b: string): number {
  const encoder = new TextEncoder();
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}

/**
 * The proxies by name, and every operation of the API on them. Mutations
 * run one at a time, as Toxiproxy's locks make them.
 */
export class ProxyRegistry {
  readonly #deps: TcpProxyDeps;
  readonly #proxies = new Map<string, TcpProxy>();
  #queue: Promise<unknown> = Promise.resolve();

  /** @param deps what every proxy gets (network, clock, rng, metrics hook). */
  constructor(deps: TcpProxyDeps) {
    this.#deps = deps;
  }

  /** Runs `fn` after every mutation queued before it. */
  exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Every proxy, sorted by name as Go sorts map keys. */
  list(): TcpProxy[] {
    return [...this.#proxies.values()].sort((a, b) => compareUtf8(a.name, b.name));
  }

  /** A proxy by name, or 404 `proxy not found`. */
  get(name: string): TcpProxy {
    const proxy = this.#proxies.get(name);
    if (proxy === undefined) throw new ApiError(404, "proxy not found");
    return proxy;
  }

  /** POST /proxies: checks name, upstream, uniqueness, then binds when enabled. */
  create(input: ProxyInput): Promise<TcpProxy> {
    return this.exclusive(async () => {
      const { name, upstream } = input;
      if (!name) throw new ApiError(400, "missing required field: name");
      if (!upstream) throw new ApiError(400, "missing required field: upstream");
      if (this.#proxies.has(name)) throw new ApiError(409, "proxy already exists");
      const proxy = new TcpProxy(name, input.listen ?? "", upstream, this.#deps);
      if (input.enabled ?? true) await this.#start(proxy);
      this.#proxies.set(name, proxy);
      return proxy;
    });
  }

  /**
   * POST /populate: validates every item first, then creates, keeps (same
   * resolved listen and upstream) or replaces each in order, stopping at the
   * first failure with the items done so far.
   */
  populate(items: readonly ProxyInput[]): Promise<PopulateResult> {
    return this.exclusive(async () => {
      items.forEach((item, i) => {
        if (!item.name) throw new ApiError(400, `missing required field: name at proxy ${i + 1}`);
        if (!item.upstream) {
          throw new ApiError(400, `missing required field: upstream at proxy ${i + 1}`);
        }
      });
      const done: TcpProxy[] = [];
      for (const item of items) {
        const name = item.name!;
        const upstream = item.upstream!;
        const listen = item.listen ?? "";
        try {
          const existing = this.#proxies.get(name);
          if (existing !== undefined) {
            const resolved = await this.#resolve(listen === "" ? ":0" : listen);
            if (resolved === existing.listen && upstream === existing.upstream) {
              done.push(existing);
              continue;
            }
            this.#proxies.delete(name);
            await existing.stop();
          }
          const proxy = new TcpProxy(name, listen, upstream, this.#deps);
          if (item.enabled ?? true) await this.#start(proxy);
          this.#proxies.set(name, proxy);
          done.push(proxy);
        } catch (cause) {
          const error = cause instanceof ApiError
            ? cause
            : new ApiError(500, (cause as Error).message, { cause });
          return { proxies: done, error };
        }
      }
      return { proxies: done };
    });
  }

  /**
   * PATCH /proxies/{name}: restarts on a changed (resolved) listen or
   * upstream, then applies `enabled`. A failed bind leaves it disabled with
   * the new values.
   */
  update(name: string, input: ProxyInput): Promise<TcpProxy> {
    return this.exclusive(async () => {
      const proxy = this.get(name);
      const listen = input.listen ?? proxy.listen;
      const upstream = input.upstream ?? proxy.upstream;
      const enabled = input.enabled ?? proxy.enabled;
      const resolved = await this.#resolve(listen);
      if (resolved !== proxy.listen || upstream !== proxy.upstream) {
        await proxy.stop();
        proxy.listen = resolved;
        proxy.upstream = upstream;
      }
      if (enabled && !proxy.enabled) await this.#start(proxy);
      if (!enabled && proxy.enabled) await proxy.stop();
      return proxy;
    });
  }

  /** DELETE /proxies/{name}: stops it and forgets it. */
  delete(name: string): Promise<void> {
    return this.exclusive(async () => {
      const proxy = this.get(name);
      this.#proxies.delete(name);
      await proxy.stop();
    });
  }

  /** POST /reset: starts every disabled proxy and removes every toxic; stops at a failed bind. */
  reset(): Promise<void> {
    return this.exclusive(async () => {
      for (const proxy of this.#proxies.values()) {
        await this.#start(proxy);
        await proxy.removeAllToxics();
      }
    });
  }

  /** POST /proxies/{name}/toxics, after the proxy lookup and body decode. */
  addToxic(proxy: TcpProxy, input: ToxicInput): Promise<ToxicConfig> {
    return this.exclusive(() => {
      this.#current(proxy);
      const stream = input.stream ?? "downstream";
      const lower = stream.toLowerCase();
      if (lower !== "upstream" && lower !== "downstream") {
        throw new ApiError(400, "stream was invalid, can be either upstream or downstream");
      }
      const direction: StreamDirection = lower;
      const typeName = input.type ?? "";
      const name = input.name || `${typeName}_${stream}`;
      const type = TOXIC_TYPES.get(typeName);
      if (type === undefined) throw new ApiError(400, "invalid toxic type");
      if (proxy.getToxic(name) !== undefined) throw new ApiError(409, "toxic already exists");
      const attributes = fullAttributes(type, input.attributes(type));
      const toxic: ToxicConfig = {
        name,
        type,
        stream,
        direction,
        toxicity: input.toxicity ?? 1,
        attributes,
      };
      proxy.addToxic(toxic);
      return toxic;
    });
  }

  /** PATCH /proxies/{p}/toxics/{t}: merges attributes key by key, replaces toxicity. */
  updateToxic(proxy: TcpProxy, name: string, patch: ToxicPatch): Promise<ToxicConfig> {
    return this.exclusive(async () => {
      this.#current(proxy);
      const current = proxy.getToxic(name);
      if (current === undefined) throw new ApiError(404, "toxic not found");
      const attributes = { ...current.attributes, ...patch.attributes(current.type) };
      const toxic: ToxicConfig = {
        ...current,
        attributes: fullAttributes(current.type, attributes),
        toxicity: patch.toxicity ?? current.toxicity,
      };
      await proxy.updateToxic(toxic);
      return toxic;
    });
  }

  /** DELETE /proxies/{p}/toxics/{t}. */
  removeToxic(proxy: TcpProxy, name: string): Promise<void> {
    return this.exclusive(async () => {
      this.#current(proxy);
      if (!(await proxy.removeToxic(name))) throw new ApiError(404, "toxic not found");
    });
  }

  /** Stops every proxy (listeners and connections); the registry stays usable. */
  close(): Promise<void> {
    return this.exclusive(async () => {
      await Promise.all([...this.#proxies.values()].map((p) => p.stop()));
    });
  }

  /** 404 when the proxy was deleted while the request waited its turn. */
  #current(proxy: TcpProxy): void {
    if (this.#proxies.get(proxy.name) !== proxy) throw new ApiError(404, "proxy not found");
  }

  async #start(proxy: TcpProxy): Promise<void> {
    try {
      await proxy.start();
    } catch (cause) {
      throw new ApiError(500, (cause as Error).message, { cause });
    }
  }

  async #resolve(listen: string): Promise<string> {
    try {
      return await resolveAddress(listen, this.#deps.network.lookup);
    } catch (cause) {
      throw new ApiError(500, (cause as Error).message, { cause });
    }
  }
}
