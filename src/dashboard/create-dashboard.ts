import type { Queue } from "bullmq";
import type { Logger } from "pino";
import { redisAuditLog } from "../audit/audit-log.js";
import type { EnvConfig } from "../config/env-config.js";
import type { RawEnv } from "../config/raw-env.js";
import { connectKube } from "../kube/connect-kube.js";
import type { RedisClient } from "../queue/redis-topology.js";
import { dashboardRoutes } from "./dashboard-routes.js";
import { dashboardEnabled, dashboardSettings } from "./dashboard-settings.js";

/**
 * The dashboard's routes for `zakenak serve`, or undefined (with a log line saying why) when neither a
 * token nor a proxy header is configured: then /dashboard answers 404 like any unknown route.
 */
export function createDashboard(deps: {
  env: RawEnv;
  config: Pick<EnvConfig, "dashboardToken" | "kubeconfig" | "hosts">;
  redis: RedisClient;
  queue: Queue;
  logger: Logger;
}) {
  const settings = dashboardSettings(deps.env, deps.config.dashboardToken);
  if (!dashboardEnabled(settings)) {
    deps.logger.info(
      "dashboard off: set ZAKENAK_DASHBOARD_TOKEN (or ZAKENAK_DASHBOARD_TRUSTED_HEADER behind an authenticating proxy)",
    );
    return undefined;
  }
  const kubeconfig = deps.config.kubeconfig;
  deps.logger.info(
    { token: settings.token !== undefined, trustedHeader: settings.trustedHeader ?? null },
    "dashboard at /dashboard",
  );
  return dashboardRoutes({
    settings,
    hosts: deps.config.hosts,
    logger: deps.logger,
    sources: {
      openCluster: () => connectKube(kubeconfig !== undefined ? { kubeconfig } : {}),
      redis: deps.redis,
      queue: deps.queue,
      audit: redisAuditLog(deps.redis),
    },
  });
}
