import type { RawEnv } from "../config/raw-env.js";
import { ZakenakError } from "../errors.js";

/** How people and scripts prove they may read the dashboard. Off when neither is set. */
export interface DashboardSettings {
  /** ZAKENAK_DASHBOARD_TOKEN: Bearer for scripts, the sign-in form for browsers. */
  token?: string;
  /**
   * ZAKENAK_DASHBOARD_TRUSTED_HEADER: a header an authenticating proxy in front of Zakenak sets (its
   * value names the user). Only for deployments where nothing else can reach the server.
   */
  trustedHeader?: string;
}

const HEADER_NAME = /^[A-Za-z0-9-]{1,100}$/;

export function dashboardSettings(env: RawEnv, token: string | undefined): DashboardSettings {
  const header = env.ZAKENAK_DASHBOARD_TRUSTED_HEADER?.trim();
  if (header !== undefined && header !== "" && !HEADER_NAME.test(header)) {
    throw new ZakenakError(
      "config-invalid",
      `ZAKENAK_DASHBOARD_TRUSTED_HEADER: "${header}" is not an HTTP header name`,
    );
  }
  return {
    ...(token ? { token } : {}),
    ...(header ? { trustedHeader: header.toLowerCase() } : {}),
  };
}

export function dashboardEnabled(settings: DashboardSettings): boolean {
  return settings.token !== undefined || settings.trustedHeader !== undefined;
}
