import { KubeHttp } from "../kube/kube-http.js";
import { loadKubeconfig } from "../kube/load-kubeconfig.js";
import { openKubeConnection } from "../kube/open-kube-connection.js";
import { identityScrubber } from "../kube/secret-scrubber.js";
import type { RedisClient } from "../queue/redis-topology.js";

/** One dependency `/readyz` found unusable. */
export interface ReadinessFailure {
  check: "redis" | "cluster";
  error: string;
}

/** Resolves to what failed; an empty list means ready. Never rejects. */
export type Readiness = () => Promise<ReadinessFailure[]>;

export interface ReadinessOptions {
  /** The connection the queue uses: its health is what intake depends on. */
  redis: RedisClient;
  /** When set, the cluster's own `/readyz` must answer 200 too. */
  kubeconfig?: string;
  timeoutMs?: number;
}

export interface ReadinessProbe {
  check: Readiness;
  close(): void;
}

/** Checks Redis (PING) and, where a kubeconfig is configured, the API server's `/readyz`. */
export function readinessProbe(opts: ReadinessOptions): ReadinessProbe {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const { redis } = opts;
  let lastRedisError: Error | undefined;
  const onError = (error: Error) => {
    lastRedisError = error;
  };
  const onReady = () => {
    lastRedisError = undefined;
  };
  redis.on("error", onError);
  redis.on("ready", onReady);
  const cluster = opts.kubeconfig === undefined ? undefined : clusterCheck(opts.kubeconfig, timeoutMs);

  const checkRedis = async (): Promise<ReadinessFailure | undefined> => {
    try {
      await withTimeout(redis.ping(), timeoutMs, "PING");
      return undefined;
    } catch (error) {
      const state = redis.status === "ready" ? "" : `not connected (${redis.status}): `;
      const reason = lastRedisError?.message ?? (error as Error).message;
      return { check: "redis", error: `${state}${reason}` };
    }
  };

  return {
    async check() {
      const results = await Promise.all([checkRedis(), cluster?.check()]);
      return results.filter((r): r is ReadinessFailure => r !== undefined);
    },
    close() {
      redis.off("error", onError);
      redis.off("ready", onReady);
      cluster?.close();
    },
  };
}

function clusterCheck(kubeconfig: string, timeoutMs: number) {
  // Connected on first use and kept: credentials (exec plugins) are not fetched on every probe.
  let http: Promise<KubeHttp> | undefined;
  const connect = async () => {
    // KUBECONFIG may be a list of files, exactly as kubectl reads the variable.
    const loaded = loadKubeconfig({ env: { ...process.env, KUBECONFIG: kubeconfig } });
    return KubeHttp.create(await openKubeConnection(loaded), { requestTimeoutMs: timeoutMs, maxSockets: 1 });
  };
  return {
    async check(): Promise<ReadinessFailure | undefined> {
      try {
        http ??= connect();
        const client = await http;
        const res = await client.send({
          method: "GET",
          path: "/readyz",
          accept: "text/plain",
          describe: { action: "check", target: "/readyz", server: client.server, scrub: identityScrubber },
        });
        if (res.status === 200) return undefined;
        return { check: "cluster", error: `${client.server}/readyz answered ${res.status}` };
      } catch (error) {
        // A bad kubeconfig is retried on the next probe: the file may be mounted late.
        if (http && !(await http.then(() => true).catch(() => false))) http = undefined;
        return { check: "cluster", error: (error as Error).message };
      }
    },
    close() {
      http?.then((h) => h.close()).catch(() => {});
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
