import type { Queue } from "bullmq";
import express, { type ErrorRequestHandler, type Express, type Request, type Router } from "express";
import type { Logger } from "pino";
import type { EnvConfig } from "../config/env-config.js";
import { describeHostVariables } from "../hosts/describe-host-variables.js";
import type { HostDescriptor } from "../hosts/host-descriptor.js";
import type { HostKind } from "../hosts/host-event.js";
import { HOSTS } from "../hosts/host-registry.js";
import { intakeShedding } from "./intake-shedding.js";
import type { Metrics } from "./metrics.js";
import { operationalRoutes } from "./operational-routes.js";
import type { Readiness } from "./readiness.js";
import type { IntakeDeps } from "./settle-delivery.js";
import { waitingCount } from "./waiting-count.js";
import { rejected, sendReply } from "./webhook-reply.js";

export interface AppDeps {
  config: EnvConfig;
  /** The delivery queue intake writes to. */
  queue: Queue;
  logger: Logger;
  metrics: Metrics;
  readiness: Readiness;
  /** Whether a repository is served (the allow list and the server configuration). */
  allowed: (fullName: string) => boolean;
  /** The read-only dashboard's routes (src/dashboard), when it is configured. */
  dashboard?: Router;
}

// Every host's path, enabled or not: a disabled host's path answers why it is off.
const HOST_AT_PATH = new Map<string, HostDescriptor>(HOSTS.map((host) => [host.webhookPath, host]));

/**
 * The HTTP side of the bot: webhook intake for each configured host plus /healthz, /readyz and
 * /metrics. Does not listen (see start-server.ts). Async because each enabled host's webhook code is
 * loaded (and Probot initialized) before serving.
 */
export async function createApp(deps: AppDeps): Promise<Express> {
  const { config, logger, metrics } = deps;
  const intake: IntakeDeps = {
    queue: deps.queue,
    logger,
    metrics,
    allowed: deps.allowed,
  };
  const app = express();
  app.disable("x-powered-by");

  app.use(operationalRoutes({ metrics, readiness: deps.readiness }));

  // Over its limits, intake refuses a delivery before reading its body: shedding stays cheap in a flood.
  const shed = intakeShedding({ limits: config.intake, waiting: waitingCount(deps.queue), logger, metrics });
  // Verification needs the bytes exactly as sent, so nothing parses (or inflates) them before it.
  const raw = express.raw({ type: () => true, limit: config.maxBodyBytes, inflate: false });
  const settings: Partial<Record<HostKind, unknown>> = config.hosts;
  for (const host of HOSTS) {
    const hostSettings = settings[host.kind];
    if (hostSettings === undefined) continue;
    app.post(host.webhookPath, shed(host.kind), raw, await host.webhook(intake, hostSettings));
  }

  if (deps.dashboard) app.use(deps.dashboard);

  app.use((req, res) => {
    const host = HOST_AT_PATH.get(req.path);
    if (host && req.method === "POST") {
      const variables = describeHostVariables(host.variables, "sentence");
      const reply = rejected(404, "disabled", `${host.kind} webhooks are not enabled: set ${variables}`);
      sendReply(res, { logger, metrics }, host.kind, reply);
      return;
    }
    res.status(404).json({ error: `unknown route: ${req.method} ${req.path}` });
  });
  app.use(bodyErrors(deps));
  return app;
}

/** Errors from reading the body: too large (413), compressed (415), cut off by the client (400). */
function bodyErrors({ config, logger, metrics }: AppDeps): ErrorRequestHandler {
  return (err: { type?: string; status?: number; message?: string }, req: Request, res, _next) => {
    const host = HOST_AT_PATH.get(req.path)?.kind;
    const status = typeof err.status === "number" && err.status >= 400 && err.status < 600 ? err.status : 500;
    const message =
      err.type === "entity.too.large"
        ? `payload too large: over ${config.maxBodyBytes} bytes (ZAKENAK_MAX_BODY_BYTES)`
        : err.type === "encoding.unsupported"
          ? "compressed payloads are not accepted"
          : status < 500
            ? `bad request: ${err.message ?? "unreadable body"}`
            : "internal error";
    const result = status === 413 ? "too-large" : status < 500 ? "bad-request" : "error";
    const reply = rejected(status, result, message, status >= 500 ? { cause: err.message } : {});
    if (host) {
      sendReply(res, { logger, metrics }, host, reply);
      return;
    }
    logger.error({ path: req.path, cause: err.message }, message);
    res.status(status).json(reply.body);
  };
}
