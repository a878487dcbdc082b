import type { AuditLog } from "../audit/audit-log.js";
import type { ChartSettings } from "../charts/chart-resolver.js";
import type { InputLimits } from "../config/input-limits.js";
import type { GitHost } from "../hosts/git-host.js";
import type { RepoRef } from "../hosts/host-event.js";
import type { Notifier } from "../notifications/notifier.js";
import type { RenderCache } from "../planning/render/render-cache.js";
import type { NewestHeads } from "../queue/newest-heads.js";
import type { RedisClient } from "../queue/redis-topology.js";
import type { ImageResolverOptions } from "../registry/image-resolver.js";
import type { RepositoryGrant } from "../trust/repository-grant.js";

/** Pino-compatible: `log.info({ env }, "message")`. */
export interface BotLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Optional hooks for Prometheus; every one may be missing. */
export interface BotMetrics {
  jobFinished?(type: string, result: "completed" | "failed" | "retrying" | "skipped", seconds: number): void;
  applyFinished?(environment: string, result: string): void;
  rollbackFinished?(environment: string, trigger: "automatic" | "command"): void;
  deployedRevision?(environment: string, revision: number, sha: string): void;
  /** A pushed commit's deploy step took this long (render, lock wait, apply, health, auto-rollback). */
  deployTimed?(environment: string, seconds: number): void;
  /** An apply under the environment's lock took this long. */
  applyTimed?(environment: string, seconds: number): void;
  /** The environment's lock was taken; the returned function is called once it is let go. */
  lockTaken?(environment: string): () => void;
  /** One try of a notification to a target of `targetType`: sent, retrying, failed, or not-queued. */
  notificationFinished?(targetType: string, result: string): void;
}

/** How the bot reaches clusters and how patient it is with them. */
export interface KubeSettings {
  /** Kubeconfig path; default: KUBECONFIG, in-cluster, ~/.kube/config. */
  kubeconfig?: string;
  /** Wait for health after applying (false for a cluster without controllers, as in the tests). */
  applyWait: boolean;
  /** How long an apply or rollback waits for another one holding the environment's lock. */
  lockWaitMs: number;
  leaseSeconds?: number;
}

/** What the bot's domain functions get: the repository, its host and the shared services. */
export interface BotContext {
  host: GitHost;
  repo: RepoRef;
  redis: RedisClient;
  /** Prefix of Zakenak's own Redis keys. */
  keyPrefix: string;
  cache: RenderCache;
  audit: AuditLog;
  log: BotLogger;
  kube: KubeSettings;
  metrics?: BotMetrics;
  /** The queue job doing the work: a stable lock holder, so a retried job takes its own lock again. */
  jobId: string;
  /** When the job was enqueued: orders commits of one PR or environment (newer supersedes older). */
  enqueuedAt: number;
  heads: NewestHeads;
  /** What the operator lets this repository do (the server configuration, or single-tenant mode). */
  grant: RepositoryGrant;
  /** Input refused before parsing and the object size limit (the operator's); default `DEFAULT_INPUT_LIMITS`. */
  limits?: InputLimits;
  /** How plans look container images up in their registries (the operator's); unset: no lookups. */
  images?: ImageResolverOptions;
  /** The chart cache and the registry credentials remote charts are pulled with (the operator's). */
  charts?: ChartSettings;
  /** Tells the operator's notification targets about deploys and rollbacks; unset: none configured. */
  notifier?: Notifier;
}
