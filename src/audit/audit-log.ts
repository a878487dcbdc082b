import type { RepoRef } from "../hosts/host-event.js";
import { onRedis } from "../queue/redis-errors.js";
import { KEY_PREFIX, type RedisClient } from "../queue/redis-topology.js";

/** What the bot did or refused: every command, apply, rollback, unlock and drift healing (`reconcile`). */
export type AuditAction =
  | "plan"
  | "apply"
  | "rollback"
  | "unlock"
  | "history"
  | "help"
  | "command"
  | "reconcile";

export interface AuditEntry {
  /** Who: the commenter, the pusher, or `zakenak` for automatic actions. */
  actor: string;
  action: AuditAction;
  repo: string;
  host: RepoRef["host"];
  environment?: string;
  sha?: string;
  /** e.g. `succeeded`, `failed`, `refused`, `rolled-back`, `invalid`. */
  result: string;
  /** One line for people: the command as typed, the revision, the reason of a refusal. */
  detail?: string;
  /** Pull request the action came from or reported to. */
  pullRequest?: number;
  /** ISO time; set by `recordAudit` unless given. */
  at?: string;
}

export interface StoredAuditEntry extends AuditEntry {
  at: string;
  /** Stream id: orders entries and pages through them. */
  id: string;
}

export const DEFAULT_AUDIT_KEY = `${KEY_PREFIX}:audit`;
/** The stream is trimmed to about this many entries (`MAXLEN ~`), so it never grows without bound. */
export const DEFAULT_AUDIT_MAX = 10_000;

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  /** Newest first; `before` is a stream id from an earlier page. */
  read(opts?: { count?: number; before?: string }): Promise<StoredAuditEntry[]>;
}

/** The audit log as a capped Redis stream, one per Zakenak installation (the key). */
export function redisAuditLog(
  redis: RedisClient,
  key = DEFAULT_AUDIT_KEY,
  max = DEFAULT_AUDIT_MAX,
): AuditLog {
  return {
    async record(entry) {
      const full = { ...entry, at: entry.at ?? new Date().toISOString() };
      const fields = Object.entries(full).flatMap(([k, v]) => (v === undefined ? [] : [k, String(v)]));
      await onRedis("writing the audit log", () =>
        redis.xadd(key, "MAXLEN", "~", String(max), "*", ...fields),
      );
    },
    async read(opts = {}) {
      const count = opts.count ?? 100;
      const end = opts.before ? `(${opts.before}` : "+";
      const rows = await onRedis("reading the audit log", () =>
        redis.xrevrange(key, end, "-", "COUNT", count),
      );
      return rows.map(([id, fields]) => fromFields(id, fields));
    },
  };
}

function fromFields(id: string, fields: string[]): StoredAuditEntry {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] as string, fields[i + 1] as string);
  const pr = map.get("pullRequest");
  return {
    id,
    actor: map.get("actor") ?? "",
    action: (map.get("action") ?? "command") as AuditAction,
    repo: map.get("repo") ?? "",
    host: (map.get("host") ?? "github") as RepoRef["host"],
    result: map.get("result") ?? "",
    at: map.get("at") ?? "",
    ...optional("environment", map.get("environment")),
    ...optional("sha", map.get("sha")),
    ...optional("detail", map.get("detail")),
    ...(pr !== undefined ? { pullRequest: Number(pr) } : {}),
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
