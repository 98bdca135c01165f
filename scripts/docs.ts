/**
 * `deno task docs`: rewrites the README's config reference table from the
 * schema.
 * @module
 */

import { withReference } from "../src/config/mod.ts";

const readme = new URL("../README.md", import.meta.url);
await Deno.writeTextFile(readme, withReference(await Deno.readTextFile(readme)));
console.log("README.md: config reference regenerated");
