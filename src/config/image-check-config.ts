import { ZakenakError } from "../errors.js";

/** Whether and how patiently plans look images up in their registries. */
export interface ImageCheckConfig {
  enabled: boolean;
  /** Deadline of one image's lookup, every request of it included (ZAKENAK_IMAGE_CHECK_TIMEOUT_SECONDS). */
  timeoutMs: number;
  /** Lookups in flight at once (ZAKENAK_IMAGE_CHECK_CONCURRENCY). */
  concurrency: number;
}

export const IMAGE_CHECK_VARIABLES = {
  enabled: "ZAKENAK_IMAGE_CHECK",
  timeout: "ZAKENAK_IMAGE_CHECK_TIMEOUT_SECONDS",
  concurrency: "ZAKENAK_IMAGE_CHECK_CONCURRENCY",
} as const;

/**
 * On by default with a short deadline: a registry that answers makes plans safer, and one that cannot be
 * reached (a laptop offline) costs one deadline per registry, then a warning.
 */
export const DEFAULT_IMAGE_CHECK: Readonly<ImageCheckConfig> = Object.freeze({
  enabled: true,
  timeoutMs: 5_000,
  concurrency: 8,
});

/** The image check settings from the process environment; a bad value throws naming the variable. */
export function imageCheckConfig(env: Record<string, string | undefined>): ImageCheckConfig {
  const config = { ...DEFAULT_IMAGE_CHECK };
  const on = env[IMAGE_CHECK_VARIABLES.enabled];
  if (on !== undefined && on !== "") {
    if (!["on", "off", "true", "false"].includes(on)) {
      throw new ZakenakError("config-invalid", `${IMAGE_CHECK_VARIABLES.enabled}: must be on or off`);
    }
    config.enabled = on === "on" || on === "true";
  }
  const timeout = env[IMAGE_CHECK_VARIABLES.timeout];
  if (timeout !== undefined && timeout !== "") {
    const seconds = Number(timeout);
    if (!/^\d+(\.\d+)?$/.test(timeout) || seconds <= 0 || seconds > 600) {
      throw new ZakenakError(
        "config-invalid",
        `${IMAGE_CHECK_VARIABLES.timeout}: must be a number of seconds above 0, at most 600`,
      );
    }
    config.timeoutMs = Math.round(seconds * 1000);
  }
  const concurrency = env[IMAGE_CHECK_VARIABLES.concurrency];
  if (concurrency !== undefined && concurrency !== "") {
    if (!/^\d+$/.test(concurrency) || Number(concurrency) < 1 || Number(concurrency) > 64) {
      throw new ZakenakError(
        "config-invalid",
        `${IMAGE_CHECK_VARIABLES.concurrency}: must be a whole number from 1 to 64`,
      );
    }
    config.concurrency = Number(concurrency);
  }
  return config;
}
