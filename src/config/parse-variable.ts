import type { z } from "zod";
import { envInvalid } from "./env-invalid.js";
import type { RawEnv } from "./raw-env.js";

/** One variable through its schema; a failure names the variable and the schema's message, not the value. */
export function parseVariable<T extends z.ZodType>(env: RawEnv, name: string, schema: T): z.output<T> {
  const parsed = schema.safeParse(env[name]);
  if (!parsed.success) throw envInvalid(name, parsed.error.issues[0]?.message ?? "invalid");
  return parsed.data;
}
