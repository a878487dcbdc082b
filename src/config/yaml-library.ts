import { createRequire } from "node:module";
import type * as Yaml from "yaml";

const require = createRequire(import.meta.url);
let library: typeof Yaml | undefined;

/**
 * The full YAML library, loaded on its first use rather than at start-up (~20 ms): a plan whose YAML is
 * all plain reads and prints it without the library (`plain-yaml.ts`, `print-yaml.ts`).
 */
export function yamlLibrary(): typeof Yaml {
  library ??= require("yaml") as typeof Yaml;
  return library;
}
