/**
 * A small client for the Toxiproxy HTTP API (plain `fetch`), so every fault
 * the suite injects goes through the API and works the same against our
 * server or a real Toxiproxy.
 * @module
 */

/** A proxy as the API describes it. */
export interface ProxyInfo {
  readonly name: string;
  readonly listen: string;
  readonly upstream: string;
  readonly enabled: boolean;
}

/** A toxic to add. */
export interface ToxicSpec {
  readonly name: string;
  readonly type: string;
  /** @default "downstream" */
  readonly stream?: "upstream" | "downstream";
  /** @default 1 */
  readonly toxicity?: number;
  readonly attributes: Readonly<Record<string, number>>;
}

/** Thrown when the API answers with an error status. */
export class ToxiproxyApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "ToxiproxyApiError";
  }
}

/** The Toxiproxy HTTP API at `url`. */
export class ToxiproxyClient {
  constructor(readonly url: string) {}

  async #call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      ...(body === undefined ? {} : {
        body: JSON.stringify(body),
        headers: { "content-type": "application/json" },
      }),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new ToxiproxyApiError(
        response.status,
        `${method} ${path}: ${response.status} ${text.trim()}`,
      );
    }
    return text === "" ? undefined : JSON.parse(text);
  }

  /** The server's version string. */
  async version(): Promise<string> {
    const response = await fetch(`${this.url}/version`);
    return (await response.text()).trim();
  }

  /** Creates a proxy; `listen` may use port 0, the answer has the real address. */
  async createProxy(name: string, listen: string, upstream: string): Promise<ProxyInfo> {
    return await this.#call("POST", "/proxies", {
      name,
      listen,
      upstream,
      enabled: true,
    }) as ProxyInfo;
  }

  /** Deletes a proxy (its connections are closed). */
  async deleteProxy(name: string): Promise<void> {
    await this.#call("DELETE", `/proxies/${encodeURIComponent(name)}`);
  }

  /** Enables or disables a proxy: disabled closes its listener and its connections. */
  async setEnabled(name: string, enabled: boolean): Promise<void> {
    await this.#call("POST", `/proxies/${encodeURIComponent(name)}`, { enabled });
  }

  /** Adds a toxic to a proxy. */
  async addToxic(proxy: string, toxic: ToxicSpec): Promise<void> {
    await this.#call("POST", `/proxies/${encodeURIComponent(proxy)}/toxics`, {
      name: toxic.name,
      type: toxic.type,
      stream: toxic.stream ?? "downstream",
      toxicity: toxic.toxicity ?? 1,
      attributes: toxic.attributes,
    });
  }

  /** Changes a toxic's attributes. */
  async updateToxic(
    proxy: string,
    name: string,
    attributes: Readonly<Record<string, number>>,
  ): Promise<void> {
    await this.#call(
      "POST",
      `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(name)}`,
      { attributes },
    );
  }

  /** Removes a toxic. */
  async removeToxic(proxy: string, name: string): Promise<void> {
    await this.#call(
      "DELETE",
      `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(name)}`,
    );
  }
}
