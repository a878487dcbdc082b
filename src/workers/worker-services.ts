import type { Job, Queue } from "bullmq";
import type { AuditLog } from "../audit/audit-log.js";
import type { ChartSettings } from "../charts/chart-resolver.js";
import type { BotContext, BotLogger, BotMetrics, KubeSettings } from "../commands/bot-context.js";
import type { InputLimits } from "../config/input-limits.js";
import type { ServerConfig } from "../config/server-config.js";
import type { GitHost } from "../hosts/git-host.js";
import type { RepoRef } from "../hosts/host-event.js";
import type { Notifier } from "../notifications/notifier.js";
import type { RenderCache } from "../planning/render/render-cache.js";
import type { NewestHeads } from "../queue/newest-heads.js";
import type { RedisClient } from "../queue/redis-topology.js";
import type { ImageResolverOptions } from "../registry/image-resolver.js";
import { repositoryGrant } from "../trust/repository-grant.js";

/** What every handler shares: built once by `startWorkers`. */
export interface WorkerServices {
  hostFor: (repo: RepoRef) => GitHost | Promise<GitHost>;
  redis: RedisClient;
  /** The delivery queue, for jobs a handler fans out (one apply per environment). */
  queue: Queue;
  keyPrefix: string;
  cache: RenderCache;
  audit: AuditLog;
  log: BotLogger;
  kube: KubeSettings;
  metrics?: BotMetrics;
  heads: NewestHeads;
  /** The operator's server configuration; undefined: single-tenant mode. */
  server?: ServerConfig;
  /** Input refused before parsing and the object size limit; default `DEFAULT_INPUT_LIMITS`. */
  limits?: InputLimits;
  /** How plans look container images up in their registries; unset: no lookups. */
  images?: ImageResolverOptions;
  /** The chart cache and the registry credentials remote charts are pulled with. */
  charts?: ChartSettings;
  /** Tells the operator's notification targets about deploys, rollbacks and drift; unset: none configured. */
  notifier?: Notifier;
}

/** A logger that adds `bindings` to every line (pino's child(), for loggers that may lack it). */
export function boundLogger(log: BotLogger, bindings: Record<string, unknown>): BotLogger {
  return {
    info: (obj, msg) => log.info({ ...bindings, ...obj }, msg),
    warn: (obj, msg) => log.warn({ ...bindings, ...obj }, msg),
    error: (obj, msg) => log.error({ ...bindings, ...obj }, msg),
  };
}

/** The domain functions' view of one job on one repository. */
export async function contextFor(services: WorkerServices, job: Job, repo: RepoRef): Promise<BotContext> {
  return {
    host: await services.hostFor(repo),
    repo,
    redis: services.redis,
    keyPrefix: services.keyPrefix,
    cache: services.cache,
    audit: services.audit,
    log: boundLogger(services.log, { jobId: job.id, job: job.name, repo: repo.fullName }),
    kube: services.kube,
    ...(services.metrics ? { metrics: services.metrics } : {}),
    jobId: job.id ?? `${job.name}-${job.timestamp}`,
    enqueuedAt: job.timestamp,
    heads: services.heads,
    grant: repositoryGrant(services.server, repo.fullName),
    ...(services.limits ? { limits: services.limits } : {}),
    ...(services.images ? { images: services.images } : {}),
    ...(services.charts ? { charts: services.charts } : {}),
    ...(services.notifier ? { notifier: services.notifier } : {}),
  };
}
