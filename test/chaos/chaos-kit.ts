// The fault suite's harness: real `zakenak serve` and `zakenak worker` processes (the build in dist/) on
// one Redis, their JSON logs, the queue's counts, and one figure line per scenario.
//
//   await ensureBuilt();                                  // in beforeAll: builds dist/ if src/ changed
//   const fleet = await startFleet({ serves: 3, workers: 3, env: { GITEA_URL, ... } });
//   await postGiteaDelivery(fleet.serveUrls[0], secret, { event: "push", deliveryId, payload });
//   await fleet.kill(fleet.processes[4], "SIGKILL");      // or fleet.kill(4)
//   const counts = await fleet.waitForQueueEmpty();        // nothing pending but schedulers' next ticks
//   expect(fleet.crashed()).toEqual([]);
//   printFigure("replicas", { deliveries: 120, seconds: 42.1 });
//   await fleet.stop();                                    // SIGTERM all, exit codes, own Redis killed
//
// Scale: `chaosSize(short, full)` picks the short form unless ZAKENAK_CHAOS=full (`npm run chaos`).
// ZAKENAK_CHAOS_RESULTS=<file> collects the figures as JSON; ZAKENAK_CHAOS_LOGS=<dir> keeps each
// process's log when its fleet stops; ZAKENAK_TEST_LOGS prints them as they come.
import { execFile, spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Queue } from "bullmq";
import { DELIVERY_QUEUE } from "../../src/queue/delivery-queue.js";
import { QUEUE_PREFIX } from "../../src/queue/redis-topology.js";
import { startRedisServer } from "../server/redis-server-process.js";
import { sharedKubeconfig, waitFor } from "../support/cluster-kit.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = join(ROOT, "bin", "zakenak.js");

/** Whether the suite runs at the sizes its scenarios name (ZAKENAK_CHAOS=full, `npm run chaos`). */
export const CHAOS_FULL = process.env.ZAKENAK_CHAOS === "full";

/** `full` under ZAKENAK_CHAOS=full, else `short`: the short form keeps every check with smaller counts. */
export function chaosSize<T>(short: T, full: T): T {
  return CHAOS_FULL ? full : short;
}

/** The form this run uses, for figure lines. */
export const CHAOS_FORM = CHAOS_FULL ? "full" : "short";

/**
 * Prints ONE line `chaos: <scenario>: k=v, …` on stdout and, when ZAKENAK_CHAOS_RESULTS names a file,
 * appends `{ scenario, form, at, ...fields }` to the JSON array in it (created if missing).
 */
export function printFigure(scenario: string, fields: Record<string, string | number | boolean>): string {
  const line = `chaos: ${scenario}: ${Object.entries({ form: CHAOS_FORM, ...fields })
    .map(([k, v]) => `${k}=${v}`)
    .join(", ")}`;
  console.log(line);
  const file = process.env.ZAKENAK_CHAOS_RESULTS;
  if (file) {
    // Test files run in parallel processes: the read-modify-write is guarded by a lock directory.
    withFileLock(`${file}.lock`, () => {
      let results: unknown[] = [];
      try {
        results = JSON.parse(readFileSync(file, "utf8")) as unknown[];
      } catch {
        results = [];
      }
      results.push({ scenario, form: CHAOS_FORM, at: new Date().toISOString(), ...fields });
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    });
  }
  return line;
}

function withFileLock(lock: string, fn: () => void): void {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than a minute was left by a killed run.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {}
      if (Date.now() > deadline) throw new Error(`could not take ${lock} within 30 s`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Builds dist/ (`npm run build`) unless it is newer than every source file, one file at a time: the
 * processes run the build, so they must run the sources under test. Call in beforeAll (a build can take a
 * minute on a loaded machine).
 */
export async function ensureBuilt(): Promise<void> {
  const lock = join(tmpdir(), `zakenak-chaos-build-${ROOT.replaceAll("/", "_")}.lock`);
  const deadline = Date.now() + 600_000;
  for (;;) {
    if (distIsFresh()) return;
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than 10 minutes was left by a killed run.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true });
      } catch {}
      if (Date.now() > deadline) throw new Error(`waited 10 min for another file's build (${lock})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    if (!distIsFresh()) {
      await promisify(execFile)("npm", ["run", "build", "--silent"], { cwd: ROOT, timeout: 480_000 }).catch(
        (error: Error & { stdout?: string; stderr?: string }) => {
          const output = `${error.stdout ?? ""}${error.stderr ?? ""}`
            .trim()
            .split("\n")
            .slice(0, 30)
            .join("\n");
          throw new Error(`npm run build failed: the processes would run a stale dist/\n${output}`);
        },
      );
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Whether dist/ was built after the last change to src/ (tsc writes every output on each build). */
function distIsFresh(): boolean {
  let built: number;
  try {
    built = statSync(join(ROOT, "dist", "cli", "main.js")).mtimeMs;
  } catch {
    return false;
  }
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
      const path = join(dir, entry.name);
      return Math.max(max, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
    }, statSync(dir).mtimeMs);
  return newest(join(ROOT, "src")) < built;
}

/** One JSON log line of a fleet process, tagged with the process's name (`serve-0`, `worker-1`, …). */
export interface FleetLogLine {
  proc: string;
  /** pino's numeric level: 30 info, 40 warn, 50 error. */
  level: number;
  msg: string;
  time?: string;
  [key: string]: unknown;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One `zakenak serve` or `zakenak worker` process of a fleet. */
export interface FleetProcess {
  /** `serve-<n>` or `worker-<n>`, numbered per kind in start order. */
  name: string;
  kind: "serve" | "worker";
  pid: number;
  /** serve only: `http://127.0.0.1:<port>`. */
  url?: string;
  /** Set once the process exited. */
  exit?: ProcessExit;
  exited: Promise<ProcessExit>;
  /** Whether the fleet sent it a signal (kill/stop): an exit without one is a crash. */
  signalled: boolean;
  logs(): FleetLogLine[];
  /** Everything it wrote to stderr and the non-JSON lines of stdout. */
  output(): string;
}

export interface FleetOptions {
  /** `zakenak serve` processes (default 1). */
  serves?: number;
  /** `zakenak worker` processes (default 0). */
  workers?: number;
  /** Environment of every process, on top of the fleet's defaults (see startFleet). */
  env?: Record<string, string>;
  /** A Redis to share (redis://…); default: a redis-server of the fleet's own, killed by stop(). */
  redis?: string;
  /** How long a process may take to log that its workers started (default 120 s). */
  readyTimeoutMs?: number;
}

export interface Fleet {
  redisUrl: string;
  /** The serve processes' base URLs, in start order. */
  serveUrls: string[];
  /** Every process started, serves first, then workers, then any added with start(). */
  processes: FleetProcess[];
  /** All processes' JSON log lines, each tagged with `proc`. */
  logs(): FleetLogLine[];
  /** Starts one more process (e.g. a replacement) with extra environment. */
  start(kind: "serve" | "worker", env?: Record<string, string>): Promise<FleetProcess>;
  /** Sends `signal` (default SIGKILL) to a process (or its index in `processes`) and waits for its exit. */
  kill(which: number | FleetProcess, signal?: NodeJS.Signals): Promise<ProcessExit>;
  /** The delivery queue (BullMQ, Zakenak's prefix) on the fleet's Redis; closed by stop(). */
  queue: Queue;
  /** BullMQ job counts of the delivery queue. */
  counts(): Promise<Record<string, number>>;
  /**
   * Waits until no job is waiting, active, prioritized, waiting-children or delayed (but a scheduler's
   * next tick: drift checks, polls), and at least one completed or failed (failed and completed may be anything else: check them); returns the counts.
   */
  waitForQueueEmpty(timeoutMs?: number): Promise<Record<string, number>>;
  /** Processes that exited without the fleet signalling them. */
  crashed(): FleetProcess[];
  /** The last `n` log lines at warn or above, and crashed processes' output, for assertion messages. */
  explain(n?: number): string;
  /**
   * SIGTERM to every live process, waits for all (SIGKILL after 60 s), kills an own Redis; exit by name.
   * With ZAKENAK_CHAOS_LOGS=<dir>, writes each process's log lines and other output to a file there.
   */
  stop(): Promise<Record<string, ProcessExit>>;
}

/**
 * Starts `serves` × `zakenak serve` and `workers` × `zakenak worker` from dist/ on one Redis and waits
 * until each logged "workers started". Defaults under `env`: PORT=0 / ZAKENAK_METRICS_PORT=0, the shared
 * test cluster's KUBECONFIG, ZAKENAK_APPLY_WAIT=false (no controllers run there), a lock wait of 120 s, a
 * render cache of the fleet's own, LOG_LEVEL=info and every repository allowed. The caller gives the
 * host's variables (e.g. GITEA_URL, GITEA_TOKEN, GITEA_WEBHOOK_SECRET).
 */
export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const ownRedis = opts.redis === undefined ? await startRedisServer() : undefined;
  const redisUrl = opts.redis ?? (ownRedis?.url as string);
  const cacheDir = mkdtempSync(join(tmpdir(), "zakenak-chaos-cache-"));
  const fleetId = `${Date.now()}-${randomBytes(2).toString("hex")}`;
  const base: Record<string, string> = {
    REDIS_URL: redisUrl,
    KUBECONFIG: sharedKubeconfig(),
    ZAKENAK_APPLY_WAIT: "false",
    ZAKENAK_LOCK_WAIT_SECONDS: "120",
    ZAKENAK_CACHE_DIR: cacheDir,
    ZAKENAK_REPO_ALLOWLIST: "**",
    LOG_LEVEL: "info",
    NO_COLOR: "1",
    ...opts.env,
  };
  const readyTimeoutMs = opts.readyTimeoutMs ?? 120_000;
  const processes: FleetProcess[] = [];
  const numbered = { serve: 0, worker: 0 };
  const queue = new Queue(DELIVERY_QUEUE, { connection: redisConnectionOf(redisUrl), prefix: QUEUE_PREFIX });
  const signals = new Map<FleetProcess, (signal: NodeJS.Signals) => void>();
  // A test process that ends without stop() (a crash, a failed hook) must not leave the fleet running.
  const killOnExit = () => {
    for (const [p, send] of signals) if (!p.exit) send("SIGKILL");
    // Its SIGKILL is sent at once; the wait for the exit is what is left behind.
    void ownRedis?.kill();
  };
  process.on("exit", killOnExit);

  const launch = async (kind: "serve" | "worker", extra: Record<string, string> = {}) => {
    const name = `${kind}-${numbered[kind]++}`;
    const env = {
      ...process.env,
      ...(kind === "serve" ? { PORT: "0" } : { ZAKENAK_METRICS_PORT: "0" }),
      ...base,
      ...extra,
    };
    const child = spawn(process.execPath, [BIN, kind], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    const lines: FleetLogLine[] = [];
    let other = "";
    let partial = "";
    child.stdout?.on("data", (d: Buffer) => {
      const text = partial + d.toString();
      const parts = text.split("\n");
      partial = parts.pop() ?? "";
      for (const part of parts) {
        if (process.env.ZAKENAK_TEST_LOGS) console.log(`[${name}] ${part}`);
        try {
          lines.push({ ...(JSON.parse(part) as FleetLogLine), proc: name });
        } catch {
          other += `${part}\n`;
        }
      }
    });
    child.stderr?.on("data", (d: Buffer) => {
      other += d.toString();
    });
    const proc: FleetProcess = {
      name,
      kind,
      pid: child.pid as number,
      signalled: false,
      exited: new Promise<ProcessExit>((resolve) =>
        child.on("exit", (code, signal) => {
          proc.exit = { code, signal };
          resolve(proc.exit);
        }),
      ),
      logs: () => lines,
      output: () => other,
    };
    processes.push(proc);
    signals.set(proc, (signal) => child.kill(signal));
    await waitFor(
      `${name} to start its workers`,
      () => {
        if (proc.exit) throw new Error(`${name} exited ${JSON.stringify(proc.exit)}:\n${other}`);
        return lines.some((l) => l.msg === "workers started");
      },
      { timeoutMs: readyTimeoutMs, intervalMs: 100 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${other}`);
    });
    if (kind === "serve") {
      const port = lines.find((l) => l.msg === "zakenak serve listening")?.port;
      proc.url = `http://127.0.0.1:${port}`;
    }
    return proc;
  };

  const kill = async (which: number | FleetProcess, signal: NodeJS.Signals = "SIGKILL") => {
    const proc = typeof which === "number" ? processes[which] : which;
    if (!proc) throw new Error(`no fleet process ${String(which)}`);
    if (!proc.exit) {
      proc.signalled = true;
      signals.get(proc)?.(signal);
    }
    return proc.exited;
  };

  const counts = async () => (await queue.getJobCounts()) as Record<string, number>;
  const fleet: Fleet = {
    redisUrl,
    serveUrls: [],
    processes,
    logs: () => processes.flatMap((p) => p.logs()),
    start: (kind, env) => launch(kind, env),
    kill,
    queue,
    counts,
    async waitForQueueEmpty(timeoutMs = 300_000) {
      const pending = ["waiting", "active", "prioritized", "waiting-children"];
      // Idle, judged from the counts and then the delayed jobs themselves: a job moving between states
      // in between makes the two disagree (or shows up in one), so idle must be seen twice in a row.
      const idle = async () => {
        const now = await counts();
        // Nothing ever finished: the jobs went to another queue (name, prefix) than the one watched.
        if ((now.completed ?? 0) + (now.failed ?? 0) === 0) return undefined;
        if (!pending.every((state) => (now[state] ?? 0) === 0)) return undefined;
        // The next tick of a scheduler (drift checks, polls) is always delayed: not work left over.
        const delayed = await queue.getJobs(["delayed"]);
        if (delayed.length !== (now.delayed ?? 0)) return undefined;
        return delayed.every((job) => job.repeatJobKey !== undefined) ? now : undefined;
      };
      let seen = 0;
      return waitFor(
        "the delivery queue to be empty",
        async () => {
          const now = await idle();
          seen = now ? seen + 1 : 0;
          return seen >= 2 ? now : undefined;
        },
        { timeoutMs, intervalMs: 250 },
      ).catch(async (error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(await counts())}\n${fleet.explain()}`);
      });
    },
    crashed: () => processes.filter((p) => p.exit !== undefined && !p.signalled),
    explain(n = 40) {
      const loud = fleet
        .logs()
        .filter((l) => l.level >= 40)
        .slice(-n)
        .map((l) => JSON.stringify(l));
      const crashes = fleet
        .crashed()
        .map((p) => `${p.name} exited ${JSON.stringify(p.exit)}:\n${p.output()}`);
      return [...loud, ...crashes].join("\n");
    },
    async stop() {
      const exits: Record<string, ProcessExit> = {};
      await Promise.all(
        processes.map(async (p) => {
          if (!p.exit) {
            p.signalled = true;
            signals.get(p)?.("SIGTERM");
          }
          const timer = setTimeout(() => signals.get(p)?.("SIGKILL"), 60_000);
          exits[p.name] = await p.exited;
          clearTimeout(timer);
        }),
      );
      await queue.close().catch(() => {});
      process.off("exit", killOnExit);
      await ownRedis?.kill();
      const dir = process.env.ZAKENAK_CHAOS_LOGS;
      if (dir) {
        mkdirSync(dir, { recursive: true });
        for (const p of processes) {
          const file = join(dir, `${fleetId}-${p.name}.log`);
          writeFileSync(
            file,
            `${p
              .logs()
              .map((l) => JSON.stringify(l))
              .join("\n")}\n${p.output()}`,
          );
        }
      }
      rmSync(cacheDir, { recursive: true, force: true });
      return exits;
    },
  };
  try {
    // Started in parallel: each takes seconds to load on a busy machine.
    const serves = Array.from({ length: opts.serves ?? 1 }, () => launch("serve"));
    const workers = Array.from({ length: opts.workers ?? 0 }, () => launch("worker"));
    await Promise.all([...serves, ...workers]);
  } catch (error) {
    await fleet.stop();
    throw error;
  }
  // Numbered by start order within a kind; launched in parallel, so sort for a stable `processes`.
  processes.sort((a, b) => order(a) - order(b));
  fleet.serveUrls = processes.filter((p) => p.kind === "serve").map((p) => p.url as string);
  return fleet;
}

function order(p: FleetProcess): number {
  return (p.kind === "serve" ? 0 : 1_000) + Number(p.name.split("-")[1]);
}

function redisConnectionOf(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 6379) };
}

/** The hex HMAC-SHA256 Gitea puts in X-Gitea-Signature. */
export function giteaSignature(secret: string, body: string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

export interface GiteaDelivery {
  /** X-Gitea-Event-Type: `push`, `pull_request`, `pull_request_sync`, `issue_comment`, … */
  event: string;
  /** X-Gitea-Delivery; intake dedupes on it. Default: a random one. */
  deliveryId?: string;
  payload: unknown;
}

/** What intake answered a delivery. */
export interface DeliveryReply {
  status: number;
  body: { result?: string; [key: string]: unknown };
}

// X-Gitea-Event for a fine-grained X-Gitea-Event-Type, as Gitea sends both.
const COARSE_EVENTS: Record<string, string> = {
  pull_request_sync: "pull_request",
  pull_request_comment: "issue_comment",
};

/** POSTs one signed Gitea-format webhook to a serve process's `/api/gitea/webhooks`. */
export async function postGiteaDelivery(
  serveUrl: string,
  secret: string,
  delivery: GiteaDelivery,
): Promise<DeliveryReply> {
  const body = JSON.stringify(delivery.payload);
  const coarse = COARSE_EVENTS[delivery.event] ?? delivery.event;
  const res = await fetch(`${serveUrl}/api/gitea/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-gitea-event": coarse,
      "x-gitea-event-type": delivery.event,
      "x-gitea-delivery": delivery.deliveryId ?? randomBytes(8).toString("hex"),
      "x-gitea-signature": giteaSignature(secret, body),
    },
    body,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  let parsed: DeliveryReply["body"];
  try {
    parsed = JSON.parse(text) as DeliveryReply["body"];
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed };
}
