import type { Redact } from "./secret-redactor.js";

/**
 * Redacts an error in place (message, stack, the server's causes and the errors it wraps) and returns
 * it, so that its code and class, which callers act on, are kept. Logs print the stack, the causes and
 * wrapped errors too, not only the message.
 */
export function redactError(err: unknown, redact: Redact): unknown {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    e.message = redact(e.message);
    if (e.stack) e.stack = redact(e.stack);
    const causes = (e as { causes?: unknown }).causes;
    if (!Array.isArray(causes)) continue;
    for (const c of causes as { message?: unknown }[]) {
      if (typeof c?.message === "string") c.message = redact(c.message);
    }
  }
  return err;
}
