import { ZakenakError } from "../errors.js";

/** Caps on what is read and parsed, checked before parsing so oversized input costs little. */
export interface InputLimits {
  /** Largest manifest file parsed, in bytes (ZAKENAK_MAX_FILE_BYTES). */
  maxFileBytes: number;
  /** Largest YAML one release may render, in bytes (ZAKENAK_MAX_RENDER_BYTES). */
  maxRenderBytes: number;
  /** Largest object, serialized, the cluster stores (ZAKENAK_MAX_OBJECT_BYTES: etcd's request limit). */
  maxObjectBytes: number;
}

const MiB = 1024 * 1024;

/**
 * Real manifests are kilobytes: these leave a wide margin while a generated file of millions of lines is
 * refused in milliseconds. 1.5 MiB is etcd's default `--max-request-bytes`.
 */
export const DEFAULT_INPUT_LIMITS: Readonly<InputLimits> = Object.freeze({
  maxFileBytes: 8 * MiB,
  maxRenderBytes: 64 * MiB,
  maxObjectBytes: 1.5 * MiB,
});

export const INPUT_LIMIT_VARIABLES: Readonly<Record<keyof InputLimits, string>> = Object.freeze({
  maxFileBytes: "ZAKENAK_MAX_FILE_BYTES",
  maxRenderBytes: "ZAKENAK_MAX_RENDER_BYTES",
  maxObjectBytes: "ZAKENAK_MAX_OBJECT_BYTES",
});

/**
 * The input limits from the process environment, read where the CLI or the bot starts. They come from the
 * operator only: a repository's own `.zakenak.yaml` cannot raise them. A bad value throws
 * `config-invalid` naming the variable; unset or empty means the default.
 */
export function inputLimits(env: Record<string, string | undefined>): InputLimits {
  const limits = { ...DEFAULT_INPUT_LIMITS };
  for (const key of Object.keys(INPUT_LIMIT_VARIABLES) as (keyof InputLimits)[]) {
    const variable = INPUT_LIMIT_VARIABLES[key];
    const raw = env[variable];
    if (raw === undefined || raw === "") continue;
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
      throw new ZakenakError("config-invalid", `${variable}: must be a whole number of bytes, at least 1`);
    }
    limits[key] = Number(raw);
  }
  return limits;
}
