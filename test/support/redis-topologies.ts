// Real redis-server processes in the three topologies Zakenak supports, for tests that need more than
// the one shared Redis:
//
//   const sentinel = await startRedisSentinel();          // master + replica + 3 sentinels
//   loadEnvConfig({ ...sentinel.env, ... });               // REDIS_SENTINELS, REDIS_SENTINEL_MASTER
//   const promoted = await sentinel.failover();           // the replica is master, every sentinel says so
//   await sentinel.stop();
//
//   const cluster = await startRedisCluster();            // 3 masters, all slots served
//   const server = await startRedisServerWith({ password: "…", tls: true });
//
// Each start picks free local ports, works in a temp dir of its own (configs, logs, TLS files) and
// resolves once the servers answer; `stop()` kills every process (SIGKILL) and removes the dir. Each
// result carries `env` (the variables to give the bot) and `topology` (what `loadEnvConfig` makes of
// them). Passwords are the caller's (or generated); they never appear in errors thrown here.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Redis, type RedisOptions } from "ioredis";
import { readRedisEnv } from "../../src/config/redis-env.js";
import type { RedisNode, RedisTopology } from "../../src/queue/redis-topology.js";

const run = promisify(execFile);

/** What every start returns. */
export interface RunningTopology {
  /** The environment variables that point the bot at these servers (credentials and TLS included). */
  env: Record<string, string>;
  /** `env` as the bot reads it. */
  topology: RedisTopology;
  /** The temp dir: configs, `*.log`, TLS files. */
  dir: string;
  /** Kills every process (SIGKILL) and removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

export interface SentinelTopology extends RunningTopology {
  /** The master's name as the sentinels know it. */
  masterName: string;
  /** Where the sentinels say the master is now. */
  master(): Promise<RedisNode>;
  /**
   * `SENTINEL FAILOVER`, then waits until every sentinel names the promoted replica, it answers as
   * master and the old master replicates from it (so a second failover works too). Returns the new master.
   */
  failover(opts?: { timeoutMs?: number }): Promise<RedisNode>;
  /** Kills one data node (the current master, say) at once, as a crash would look. */
  kill(node: RedisNode): Promise<void>;
  /**
   * Starts a killed data node again on its port and files, as a replica of the master the sentinels
   * name now (as a crashed master's pod that asks the sentinels first comes back), and waits until its
   * replication link is up.
   */
  restart(node: RedisNode): Promise<void>;
}

export interface ClusterTopology extends RunningTopology {
  nodes: RedisNode[];
  /** The node serving the slot of `key` (e.g. `{zakenak}`), as CLUSTER SLOTS says. */
  nodeOf(key: string): Promise<RedisNode>;
  /** Kills one node at once (SIGKILL), as a crash would look. */
  kill(node: RedisNode): Promise<void>;
  /** Starts a killed node again on its ports and files; resolves once every node reports cluster_state:ok. */
  restart(node: RedisNode): Promise<void>;
}

/** Append-only persistence of the data nodes: off (the default), or on with this `appendfsync`. */
export type AppendFsync = "always" | "everysec";

export interface ServerTopology extends RunningTopology {
  node: RedisNode;
  /** PEM file of the CA that signed the server's certificate (TLS only). */
  caFile?: string;
}

const TIMEOUT_MS = 60_000;

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return port;
}

/** Polls `probe` until it returns a value, at most `timeoutMs`; `what` names the wait in the error. */
async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = TIMEOUT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? `: ${last.message}` : "";
      throw new Error(`timed out waiting for ${what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs one command on one server over a fresh connection. */
async function command(node: RedisNode, options: RedisOptions, args: string[]): Promise<unknown> {
  const client = new Redis({
    host: node.host,
    port: node.port,
    ...options,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    return await client.call(args[0] as string, ...args.slice(1));
  } finally {
    client.disconnect();
  }
}

/** The processes of one start and its temp dir. */
class Processes {
  readonly dir = mkdtempSync(join(tmpdir(), "zakenak-redis-"));
  readonly #children = new Map<number, ChildProcess>();
  readonly #args = new Map<number, string[]>();

  spawn(port: number, args: string[]): void {
    const child = spawn("redis-server", args, { stdio: "ignore" });
    child.on("error", () => {});
    this.#children.set(port, child);
    this.#args.set(port, args);
  }

  /** Starts the killed server on `port` again with the arguments it had, plus `extra`. */
  respawn(port: number, extra: string[] = []): void {
    const child = this.#children.get(port);
    const args = this.#args.get(port);
    if (!args) throw new Error(`no redis-server was started on port ${port}`);
    if (child && child.exitCode === null && child.signalCode === null) {
      throw new Error(`redis-server on port ${port} is still running`);
    }
    this.spawn(port, [...args, ...extra]);
    this.#args.set(port, args);
  }

  /** Waits until the server on `port` answers PING; a server that exited fails with its log's tail. */
  async answers(port: number, options: RedisOptions = {}): Promise<void> {
    const child = this.#children.get(port);
    await until(`redis-server on port ${port}`, async () => {
      if (child && child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${this.log(port)}`);
      return (await command({ host: "127.0.0.1", port }, options, ["PING"])) === "PONG" ? true : undefined;
    });
  }

  log(port: number): string {
    try {
      return readFileSync(join(this.dir, `${port}.log`), "utf8")
        .trim()
        .split("\n")
        .slice(-5)
        .join(" | ");
    } catch {
      return "(no log)";
    }
  }

  async kill(port: number): Promise<void> {
    const child = this.#children.get(port);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#children.keys()].map((port) => this.kill(port)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Arguments every data node gets: local only, no snapshots, AOF only with `fsync`, logs and files of
 * its own (named by port) in the temp dir.
 */
function baseArgs(dir: string, port: number, password?: string, fsync?: AppendFsync): string[] {
  return [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    "--logfile",
    join(dir, `${port}.log`),
    "--save",
    "",
    "--dbfilename",
    `dump-${port}.rdb`,
    // A replica that (re)connects gets its full sync at once instead of after the default 5 s.
    "--repl-diskless-sync-delay",
    "0",
    ...(fsync !== undefined
      ? ["--appendonly", "yes", "--appendfsync", fsync, "--appenddirname", `aof-${port}`]
      : ["--appendonly", "no"]),
    ...(password !== undefined ? ["--requirepass", password, "--masterauth", password] : []),
  ];
}

const node = (port: number): RedisNode => ({ host: "127.0.0.1", port });

/**
 * A master, one replica and `sentinels` sentinels (default 3, quorum 2; 1 means quorum 1) watching it
 * as `zakenak-master`. `password` protects the data nodes (REDIS_PASSWORD), `sentinelPassword` the
 * sentinels (REDIS_SENTINEL_PASSWORD); `appendfsync` turns AOF on for both data nodes. The sentinels
 * find a master down after `downAfterMs` (default 2000) without an answer and give a failover
 * `failoverTimeoutMs` (default 10000; a failed leader election is retried after twice that).
 */
export async function startRedisSentinel(
  opts: {
    sentinels?: number;
    password?: string;
    sentinelPassword?: string;
    appendfsync?: AppendFsync;
    downAfterMs?: number;
    failoverTimeoutMs?: number;
  } = {},
): Promise<SentinelTopology> {
  const count = opts.sentinels ?? 3;
  const masterName = "zakenak-master";
  const procs = new Processes();
  const auth = opts.password !== undefined ? { password: opts.password } : {};
  const sentinelAuth = opts.sentinelPassword !== undefined ? { password: opts.sentinelPassword } : {};
  try {
    const [masterPort, replicaPort] = [await freePort(), await freePort()];
    procs.spawn(masterPort, baseArgs(procs.dir, masterPort, opts.password, opts.appendfsync));
    procs.spawn(replicaPort, [
      ...baseArgs(procs.dir, replicaPort, opts.password, opts.appendfsync),
      "--replicaof",
      "127.0.0.1",
      String(masterPort),
    ]);
    await Promise.all([procs.answers(masterPort, auth), procs.answers(replicaPort, auth)]);
    await until("the replica to sync", async () => {
      const info = String(await command(node(replicaPort), auth, ["INFO", "replication"]));
      return info.includes("master_link_status:up") ? true : undefined;
    });
    const sentinelPorts: number[] = [];
    for (let i = 0; i < count; i++) sentinelPorts.push(await freePort());
    for (const port of sentinelPorts) {
      const conf = join(procs.dir, `sentinel-${port}.conf`);
      writeFileSync(
        conf,
        [
          `port ${port}`,
          "bind 127.0.0.1",
          `dir ${procs.dir}`,
          `logfile ${join(procs.dir, `${port}.log`)}`,
          `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} ${count === 1 ? 1 : 2}`,
          `sentinel down-after-milliseconds ${masterName} ${opts.downAfterMs ?? 2000}`,
          `sentinel failover-timeout ${masterName} ${opts.failoverTimeoutMs ?? 10_000}`,
          ...(opts.password !== undefined ? [`sentinel auth-pass ${masterName} ${opts.password}`] : []),
          ...(opts.sentinelPassword !== undefined
            ? [`requirepass ${opts.sentinelPassword}`, `sentinel sentinel-pass ${opts.sentinelPassword}`]
            : []),
          "",
        ].join("\n"),
      );
      procs.spawn(port, [conf, "--sentinel"]);
    }
    await Promise.all(sentinelPorts.map((port) => procs.answers(port, sentinelAuth)));
    // SENTINEL FAILOVER needs a replica the sentinel knows and considers healthy.
    await Promise.all(
      sentinelPorts.map((port) =>
        until(`sentinel ${port} to see the replica`, async () => {
          const replicas = (await command(node(port), sentinelAuth, [
            "SENTINEL",
            "REPLICAS",
            masterName,
          ])) as string[][];
          return replicas.some((r) => fields(r).flags === "slave") ? true : undefined;
        }),
      ),
    );
    const env: Record<string, string> = {
      REDIS_SENTINELS: sentinelPorts.map((p) => `127.0.0.1:${p}`).join(","),
      REDIS_SENTINEL_MASTER: masterName,
      ...(opts.password !== undefined ? { REDIS_PASSWORD: opts.password } : {}),
      ...(opts.sentinelPassword !== undefined ? { REDIS_SENTINEL_PASSWORD: opts.sentinelPassword } : {}),
    };
    const masterOf = async (port: number): Promise<RedisNode> => {
      const [host, p] = (await command(node(port), sentinelAuth, [
        "SENTINEL",
        "GET-MASTER-ADDR-BY-NAME",
        masterName,
      ])) as [string, string];
      return { host, port: Number(p) };
    };
    const dataPorts = [masterPort, replicaPort];
    return {
      env,
      topology: readRedisEnv(env),
      dir: procs.dir,
      masterName,
      master: () => masterOf(sentinelPorts[0] as number),
      async failover({ timeoutMs = TIMEOUT_MS } = {}) {
        const before = await masterOf(sentinelPorts[0] as number);
        await command(node(sentinelPorts[0] as number), sentinelAuth, ["SENTINEL", "FAILOVER", masterName]);
        const promoted = await until(
          "every sentinel to name the new master",
          async () => {
            const seen = await Promise.all(sentinelPorts.map(masterOf));
            const first = seen[0] as RedisNode;
            return first.port !== before.port && seen.every((s) => s.port === first.port) ? first : undefined;
          },
          timeoutMs,
        );
        await until(
          "the new master to answer as master and the old one to replicate from it",
          async () => {
            const role = (await command(promoted, auth, ["ROLE"])) as unknown[];
            const old = String(await command(before, auth, ["INFO", "replication"]));
            const follows =
              old.includes(`master_port:${promoted.port}`) && old.includes("master_link_status:up");
            return role[0] === "master" && follows ? true : undefined;
          },
          timeoutMs,
        );
        return promoted;
      },
      async kill(target) {
        if (!dataPorts.includes(target.port)) throw new Error(`port ${target.port} is not a data node here`);
        await procs.kill(target.port);
      },
      async restart(target) {
        if (!dataPorts.includes(target.port)) throw new Error(`port ${target.port} is not a data node here`);
        const current = await masterOf(sentinelPorts[0] as number);
        if (current.port === target.port) throw new Error(`port ${target.port} is still the master`);
        // A --replicaof given last wins over the one a replica was first started with.
        procs.respawn(target.port, ["--replicaof", current.host, String(current.port)]);
        await procs.answers(target.port, auth);
        await until(`port ${target.port} to replicate from the master`, async () => {
          const info = String(await command(target, auth, ["INFO", "replication"]));
          return info.includes("master_link_status:up") ? true : undefined;
        });
      },
      stop: () => procs.stop(),
    };
  } catch (error) {
    await procs.stop();
    throw error;
  }
}

/** A Sentinel reply's flat [name, value, …] list as an object. */
function fields(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i] as string] = flat[i + 1] as string;
  return out;
}

/**
 * `masters` Redis Cluster masters (default 3, no replicas), resolved once `cluster_state:ok` on all;
 * `appendfsync` turns AOF on.
 */
export async function startRedisCluster(
  opts: { masters?: number; password?: string; appendfsync?: AppendFsync } = {},
): Promise<ClusterTopology> {
  const count = opts.masters ?? 3;
  const procs = new Processes();
  const auth = opts.password !== undefined ? { password: opts.password } : {};
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) ports.push(await freePort());
    for (const port of ports) {
      procs.spawn(port, [
        ...baseArgs(procs.dir, port, opts.password, opts.appendfsync),
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        join(procs.dir, `nodes-${port}.conf`),
        "--cluster-port",
        String(await freePort()),
        "--cluster-node-timeout",
        "5000",
      ]);
    }
    await Promise.all(ports.map((port) => procs.answers(port, auth)));
    const cli = [
      "--cluster",
      "create",
      ...ports.map((p) => `127.0.0.1:${p}`),
      "--cluster-replicas",
      "0",
      "--cluster-yes",
    ];
    await run("redis-cli", cli, {
      timeout: TIMEOUT_MS,
      env: { ...process.env, ...(opts.password !== undefined ? { REDISCLI_AUTH: opts.password } : {}) },
    });
    const clusterOk = () =>
      Promise.all(
        ports.map((port) =>
          until(`cluster node ${port} to report cluster_state:ok`, async () => {
            const info = String(await command(node(port), auth, ["CLUSTER", "INFO"]));
            return info.includes("cluster_state:ok") && info.includes(`cluster_known_nodes:${count}`)
              ? true
              : undefined;
          }),
        ),
      );
    await clusterOk();
    const env: Record<string, string> = {
      REDIS_CLUSTER_NODES: ports.map((p) => `127.0.0.1:${p}`).join(","),
      ...(opts.password !== undefined ? { REDIS_PASSWORD: opts.password } : {}),
    };
    return {
      env,
      topology: readRedisEnv(env),
      dir: procs.dir,
      nodes: ports.map(node),
      async nodeOf(key) {
        const slot = Number(await command(node(ports[0] as number), auth, ["CLUSTER", "KEYSLOT", key]));
        const ranges = (await command(node(ports[0] as number), auth, ["CLUSTER", "SLOTS"])) as [
          number,
          number,
          [string, number, ...unknown[]],
        ][];
        const owner = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2];
        if (!owner) throw new Error(`no node serves slot ${slot} of ${key}`);
        return { host: owner[0], port: Number(owner[1]) };
      },
      async kill(target) {
        if (!ports.includes(target.port)) throw new Error(`port ${target.port} is not a node here`);
        await procs.kill(target.port);
      },
      async restart(target) {
        if (!ports.includes(target.port)) throw new Error(`port ${target.port} is not a node here`);
        procs.respawn(target.port);
        await procs.answers(target.port, auth);
        await clusterOk();
      },
      stop: () => procs.stop(),
    };
  } catch (error) {
    await procs.stop();
    throw error;
  }
}

/**
 * One redis-server, with a password (`requirepass`; `password: true` generates one) and/or TLS: a CA
 * and a server certificate made with openssl, for the name `redis.zakenak.test` only, so the env sets
 * REDIS_TLS_CA_FILE and REDIS_TLS_SERVERNAME (the URL is rediss://127.0.0.1:port).
 */
export async function startRedisServerWith(
  opts: { password?: string | true; tls?: boolean } = {},
): Promise<ServerTopology> {
  const password = opts.password === true ? randomBytes(12).toString("hex") : opts.password;
  const procs = new Processes();
  try {
    const port = await freePort();
    const tls = opts.tls ? await makeCertificates(procs.dir) : undefined;
    procs.spawn(port, [
      ...baseArgs(procs.dir, port, password),
      ...(tls
        ? [
            "--port",
            "0",
            "--tls-port",
            String(port),
            "--tls-cert-file",
            tls.cert,
            "--tls-key-file",
            tls.key,
            "--tls-ca-cert-file",
            tls.ca,
            "--tls-auth-clients",
            "no",
          ]
        : []),
    ]);
    const tlsOptions = tls ? { tls: { ca: readFileSync(tls.ca, "utf8"), servername: SERVERNAME } } : {};
    await procs.answers(port, { ...(password !== undefined ? { password } : {}), ...tlsOptions });
    const env: Record<string, string> = {
      REDIS_URL: `${tls ? "rediss" : "redis"}://127.0.0.1:${port}`,
      ...(password !== undefined ? { REDIS_PASSWORD: password } : {}),
      ...(tls ? { REDIS_TLS_CA_FILE: tls.ca, REDIS_TLS_SERVERNAME: SERVERNAME } : {}),
    };
    return {
      env,
      topology: readRedisEnv(env),
      dir: procs.dir,
      node: node(port),
      ...(tls ? { caFile: tls.ca } : {}),
      stop: () => procs.stop(),
    };
  } catch (error) {
    await procs.stop();
    throw error;
  }
}

const SERVERNAME = "redis.zakenak.test";

async function makeCertificates(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const at = (name: string) => join(dir, name);
  const ssl = (...args: string[]) => run("openssl", args, { timeout: TIMEOUT_MS });
  await ssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=zakenak test CA",
    "-keyout",
    at("ca.key"),
    "-out",
    at("ca.crt"),
  );
  await ssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    `/CN=${SERVERNAME}`,
    "-keyout",
    at("redis.key"),
    "-out",
    at("redis.csr"),
  );
  writeFileSync(at("san.ext"), `subjectAltName=DNS:${SERVERNAME}\n`);
  await ssl(
    "x509",
    "-req",
    "-in",
    at("redis.csr"),
    "-CA",
    at("ca.crt"),
    "-CAkey",
    at("ca.key"),
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    at("san.ext"),
    "-out",
    at("redis.crt"),
  );
  return { ca: at("ca.crt"), cert: at("redis.crt"), key: at("redis.key") };
}
