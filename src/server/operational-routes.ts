import { Router } from "express";
import type { Metrics } from "./metrics.js";
import type { Readiness } from "./readiness.js";

/** `GET /healthz`, `/readyz` and `/metrics`: what the platform asks every Zakenak process. */
export function operationalRoutes(deps: { metrics: Metrics; readiness: Readiness }): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const failed = await deps.readiness();
    if (failed.length === 0) res.json({ status: "ready" });
    else res.status(503).json({ status: "not ready", failed });
  });
  router.get("/metrics", async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
