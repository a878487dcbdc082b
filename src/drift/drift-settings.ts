import { durationMs } from "../config/operations-config.js";
import type { ServerConfig } from "../config/server-config.js";
import { repositoryGrant } from "../trust/repository-grant.js";

/** Checks run this often when the server configuration says nothing. */
export const DEFAULT_DRIFT_INTERVAL_MS = 5 * 60_000;

export interface DriftSettings {
  /** Milliseconds between checks; undefined: checks are off for the environment. */
  intervalMs: number | undefined;
  heal: boolean;
}

/**
 * The drift settings of one environment of a repository: its granted environment's `drift`, key by key
 * over the top-level `drift`, over the defaults (every 5 minutes, no healing). Only the operator decides
 * them: a repository cannot turn healing on, nor checks off.
 */
export function driftSettings(
  server: ServerConfig | undefined,
  repository: string,
  environment: string,
): DriftSettings {
  const own = repositoryGrant(server, repository).environments?.[environment]?.drift;
  const top = server?.drift;
  const interval = own?.interval ?? top?.interval;
  return {
    intervalMs: interval === "off" ? undefined : interval ? durationMs(interval) : DEFAULT_DRIFT_INTERVAL_MS,
    heal: own?.heal ?? top?.heal ?? false,
  };
}
