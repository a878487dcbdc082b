import type { Job, Queue } from "bullmq";
import type { RevisionSummary } from "../applying/history/revision.js";
import { type LockInfo, readLock } from "../applying/lock/read-lock.js";
import type { AuditLog, StoredAuditEntry } from "../audit/audit-log.js";
import { type DriftState, listDriftStates } from "../drift/drift-state.js";
import type { HostKind } from "../hosts/host-event.js";
import type { KubeClient } from "../kube/kube-client.js";
import type { RedisClient } from "../queue/redis-topology.js";
import { clusterEnvironments } from "./cluster-environments.js";
import { type ObjectDiff, revisionDiff } from "./revision-diff.js";

/** Where the dashboard reads from; every read is live, nothing is cached between requests. */
export interface DashboardSources {
  /** A client for the cluster the revisions and locks are kept in; closed by the caller after use. */
  openCluster: () => Promise<KubeClient & { close(): void }>;
  redis: RedisClient;
  queue: Queue;
  audit: AuditLog;
}

export interface EnvironmentRow {
  environment: string;
  repository?: string;
  host?: HostKind;
  latest?: RevisionSummary;
  deployed?: RevisionSummary;
  drift?: DriftState;
  lock?: LockInfo;
  revisions: number;
}

export interface QueuedJob {
  id: string;
  name: string;
  state: "waiting" | "active" | "delayed" | "failed";
  repository?: string;
  environment?: string;
  sha?: string;
  at: Date;
  attempts: number;
  reason?: string;
}

const QUEUE_STATES = ["active", "waiting", "delayed", "failed"] as const;
/** Rows per queue state: the page shows the newest; the metrics carry the totals. */
const QUEUE_ROWS = 50;

async function withClient<T>(sources: DashboardSources, fn: (client: KubeClient) => Promise<T>): Promise<T> {
  const client = await sources.openCluster();
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/** Every environment known from the cluster's revisions or from drift checks, with its state. */
export async function loadEnvironments(sources: DashboardSources): Promise<EnvironmentRow[]> {
  const [drift, audit, cluster] = await Promise.all([
    listDriftStates(sources.redis),
    sources.audit.read({ count: 200 }),
    withClient(sources, async (client) => {
      const envs = await clusterEnvironments(client);
      const locks = await Promise.all([...envs.keys()].map((e) => readLock(client, e)));
      return { envs, locks: new Map([...envs.keys()].map((e, i) => [e, locks[i]])) };
    }),
  ]);
  const names = new Set([...cluster.envs.keys(), ...drift.map((d) => d.environment)]);
  return [...names].sort().map((environment) => {
    const revisions = cluster.envs.get(environment) ?? [];
    const state = drift.find((d) => d.environment === environment);
    const entry = audit.find((a) => a.environment === environment);
    const lock = cluster.locks.get(environment);
    const repository = state?.repository ?? entry?.repo;
    const host = (state?.host as HostKind | undefined) ?? entry?.host;
    const latest = revisions[0];
    const deployed = revisions.find((r) => r.result === "succeeded");
    return {
      environment,
      ...(repository ? { repository } : {}),
      ...(host ? { host } : {}),
      ...(latest ? { latest } : {}),
      ...(deployed ? { deployed } : {}),
      ...(state ? { drift: state } : {}),
      ...(lock && !lock.expired ? { lock } : {}),
      revisions: revisions.length,
    };
  });
}

export async function loadRevisions(
  sources: DashboardSources,
  environment: string,
  compare?: { from: number; to: number },
): Promise<{ revisions: RevisionSummary[]; diff?: ObjectDiff[] }> {
  return withClient(sources, async (client) => {
    const revisions = (await clusterEnvironments(client)).get(environment) ?? [];
    if (!compare) return { revisions };
    return { revisions, diff: await revisionDiff(client, environment, compare.from, compare.to) };
  });
}

export async function loadQueue(sources: DashboardSources): Promise<QueuedJob[]> {
  const lists = await Promise.all(
    QUEUE_STATES.map(async (state) => {
      const jobs = await sources.queue.getJobs([state], 0, QUEUE_ROWS - 1, false);
      return jobs.filter((j): j is Job => Boolean(j)).map((job) => queuedJob(job, state));
    }),
  );
  return lists.flat();
}

export function loadAudit(sources: DashboardSources): Promise<StoredAuditEntry[]> {
  return sources.audit.read({ count: 100 });
}

/** The parts of a job's data worth showing; job data holds no tokens by design. */
function queuedJob(job: Job, state: QueuedJob["state"]): QueuedJob {
  const data = (job.data ?? {}) as Record<string, unknown>;
  const repo = (data.repo ?? (data.event as Record<string, unknown> | undefined)?.repo) as
    | { fullName?: unknown }
    | undefined;
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const repository = text(repo?.fullName);
  const environment = text(data.environment);
  const sha = text(data.sha);
  return {
    id: job.id ?? "",
    name: job.name,
    state,
    ...(repository ? { repository } : {}),
    ...(environment ? { environment } : {}),
    ...(sha ? { sha } : {}),
    at: new Date(job.finishedOn ?? job.processedOn ?? job.timestamp),
    attempts: job.attemptsMade,
    ...(state === "failed" && job.failedReason ? { reason: job.failedReason } : {}),
  };
}
