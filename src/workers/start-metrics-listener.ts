import express from "express";
import type { Metrics } from "../server/metrics.js";
import { operationalRoutes } from "../server/operational-routes.js";
import type { Readiness } from "../server/readiness.js";
import { type RunningServer, startServer } from "../server/start-server.js";

/**
 * The HTTP listener of `zakenak worker`, which takes no webhooks: only `/metrics` for Prometheus and
 * `/healthz`, `/readyz` for the kubelet. Anything else is a 404.
 */
export async function startMetricsListener(
  deps: { metrics: Metrics; readiness: Readiness },
  port: number,
): Promise<RunningServer> {
  const app = express();
  app.disable("x-powered-by");
  app.use(operationalRoutes(deps));
  app.use((req, res) => {
    res.status(404).json({ error: `unknown route: ${req.method} ${req.path}` });
  });
  return startServer(app, { port });
}
