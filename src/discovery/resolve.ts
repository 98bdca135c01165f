/**
 * Host name → addresses. The system resolver goes through getaddrinfo (so
 * /etc/hosts and nsswitch apply); IP literals are themselves.
 * @module
 */

import { lookup } from "node:dns/promises";
import { isIPLiteral, unbracket } from "../config/address.ts";

/** Resolves a host to all its addresses (A and AAAA). */
export interface Resolver {
  resolve(host: string): Promise<readonly string[]>;
}

/** The operating system's resolver. */
export const systemResolver: Resolver = {
  async resolve(host: string): Promise<readonly string[]> {
    const bare = unbracket(host);
    if (isIPLiteral(bare)) return [bare];
    const answers = await lookup(bare, { all: true, verbatim: true });
    return [...new Set(answers.map((answer) => answer.address))];
  },
};
