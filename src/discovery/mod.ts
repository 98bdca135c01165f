/**
 * Names to addresses: A/AAAA/SRV lookups through an injected resolver, and
 * the last good answer of every name kept between refreshes.
 * @module
 */

export { type Answers, Discovery, type NameFailure, namesOf } from "./discover.ts";
export {
  nameServerResolver,
  type Resolver,
  type SrvEndpoint,
  SwitchableResolver,
  systemResolver,
} from "./resolve.ts";
