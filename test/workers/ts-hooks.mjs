// Lets a spawned Node process run the TypeScript sources directly: relative `.js` imports that have no
// `.js` file resolve to the `.ts` file next to it (what tsc and Vitest do). Used with
// `--experimental-transform-types`, via `--import`.
import { existsSync } from "node:fs";
import { registerHooks } from "node:module";
import { fileURLToPath } from "node:url";

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (
      (specifier.startsWith(".") || specifier.startsWith("/")) &&
      specifier.endsWith(".js") &&
      context.parentURL
    ) {
      const url = new URL(specifier, context.parentURL);
      if (url.protocol === "file:" && !existsSync(fileURLToPath(url))) {
        const ts = new URL(url.href.replace(/\.js$/, ".ts"));
        if (existsSync(fileURLToPath(ts))) return nextResolve(ts.href, context);
      }
    }
    return nextResolve(specifier, context);
  },
});
