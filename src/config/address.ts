/**
 * `host:port` strings as Iaido writes them (`127.0.0.1:26257`, `:0`,
 * `[::1]:80`, `db.local:5432`), parsed without touching the network.
 * @module
 */

/** A parsed `host:port`; `hostname` is empty for "every interface". */
export interface HostPort {
  readonly hostname: string;
  readonly port: number;
}

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Whether `text` is an IPv4 dotted quad. */
export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

/** Whether `text` is an IPv6 literal (without brackets). */
export function isIPv6(text: string): boolean {
  if (!text.includes(":") || !/^[0-9A-Fa-f:.]+(%[\w.-]+)?$/.test(text)) return false;
  try {
    new URL(`http://[${text.replace(/%.*$/, "")}]/`);
    return true;
  } catch {
    return false;
  }
}

/** Whether `text` is an IP literal of either family. */
export function isIPLiteral(text: string): boolean {
  return isIPv4(text) || isIPv6(text);
}

/**
 * Checks a host as a target may name it: an IP literal (IPv6 with or without
 * brackets) or a DNS name. Returns the problem, or undefined when it is fine.
 */
export function hostProblem(host: string): string | undefined {
  const bare = unbracket(host);
  if (isIPLiteral(bare) || HOSTNAME.test(bare)) return undefined;
  return `must be a host name or IP address, got ${JSON.stringify(host)}`;
}

/** Strips the brackets of an IPv6 literal: `[::1]` → `::1`. */
export function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/**
 * Parses `host:port`. Returns the parts, or a sentence saying what is wrong.
 */
export function parseHostPort(text: string): HostPort | string {
  const colon = text.lastIndexOf(":");
  if (colon < 0) return `must be host:port, got ${JSON.stringify(text)} (missing port)`;
  const host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    return `must be host:port with a port 0-65535, got ${JSON.stringify(text)}`;
  }
  if (host.includes(":") && !(host.startsWith("[") && host.endsWith("]"))) {
    return `must write an IPv6 address in brackets ([::1]:80), got ${JSON.stringify(text)}`;
  }
  if (host !== "" && hostProblem(host) !== undefined) {
    return `has a bad host in ${JSON.stringify(text)}`;
  }
  return { hostname: unbracket(host), port: Number(portText) };
}

/** Writes an address back as `host:port`, bracketing IPv6. */
export function formatHostPort(hostname: string, port: number): string {
  return hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}
