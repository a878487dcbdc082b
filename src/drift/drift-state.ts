import { onRedis } from "../queue/redis-errors.js";
import { KEY_PREFIX, type RedisClient } from "../queue/redis-topology.js";

export type DriftStatus = "in-sync" | "drifted" | "missing" | "unknown";

/** One object of the deployed revision that the cluster no longer matches. */
export interface DriftObject {
  kind: string;
  apiVersion?: string;
  namespace?: string;
  name: string;
  /** Paths that differ from the revision (`spec.replicas`): keys only, never values. */
  fields: string[];
  /** The object is not in the cluster at all. */
  missing?: boolean;
}

/**
 * The last drift check of one environment of one repository, as the workers keep it in Redis for the
 * metrics, the dashboard and notifications. Holds no manifest content: Secrets show as field paths.
 */
export interface DriftState {
  repository: string;
  environment: string;
  host?: string;
  status: DriftStatus;
  /** ISO time of the check. */
  checkedAt: string;
  /** The deployed revision compared with the cluster. */
  revision?: number;
  sha?: string;
  objects: DriftObject[];
  /** Why the state is unknown (the cluster could not be reached), in one line. */
  error?: string;
  /** ISO time of the next check: later and later while the cluster stays unreachable. */
  nextCheckAt: string;
  /** Unknown results in a row; the backoff grows with it. */
  failures?: number;
  /** While unknown: the status of the last check that reached the cluster. */
  lastKnownStatus?: Exclude<DriftStatus, "unknown">;
  /** The last time healing applied the revision again. */
  healed?: { at: string; revision: number; result: "succeeded" | "failed" };
}

export const DEFAULT_DRIFT_KEY_PREFIX = KEY_PREFIX;

const stateKey = (keyPrefix: string) => `${keyPrefix}:drift:states`;
const field = (repository: string, environment: string) => `${repository} ${environment}`;

/** The last check of an environment, or undefined when none was recorded. */
export async function readDriftState(
  redis: RedisClient,
  repository: string,
  environment: string,
  keyPrefix = DEFAULT_DRIFT_KEY_PREFIX,
): Promise<DriftState | undefined> {
  const raw = await onRedis("reading a drift state", () =>
    redis.hget(stateKey(keyPrefix), field(repository, environment)),
  );
  return raw === null ? undefined : (JSON.parse(raw) as DriftState);
}

/** Every environment's last check, by repository then environment. */
export async function listDriftStates(
  redis: RedisClient,
  keyPrefix = DEFAULT_DRIFT_KEY_PREFIX,
): Promise<DriftState[]> {
  const all = await onRedis("reading the drift states", () => redis.hgetall(stateKey(keyPrefix)));
  return Object.values(all)
    .map((raw) => JSON.parse(raw) as DriftState)
    .sort((a, b) =>
      a.repository === b.repository
        ? a.environment.localeCompare(b.environment)
        : a.repository.localeCompare(b.repository),
    );
}

export async function writeDriftState(
  redis: RedisClient,
  state: DriftState,
  keyPrefix = DEFAULT_DRIFT_KEY_PREFIX,
): Promise<void> {
  await onRedis("storing a drift state", () =>
    redis.hset(stateKey(keyPrefix), field(state.repository, state.environment), JSON.stringify(state)),
  );
}

/** Forgets an environment no longer checked (its grant was withdrawn, or checks were turned off). */
export async function removeDriftState(
  redis: RedisClient,
  repository: string,
  environment: string,
  keyPrefix = DEFAULT_DRIFT_KEY_PREFIX,
): Promise<void> {
  await onRedis("removing a drift state", () =>
    redis.hdel(stateKey(keyPrefix), field(repository, environment)),
  );
}
