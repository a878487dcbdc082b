import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, isAbsolute, join, resolve, sep } from "node:path";
import { parse } from "yaml";
import { ZakenakError } from "../errors.js";

export interface LoadKubeconfigOptions {
  /** Explicit kubeconfig file; wins over everything else. */
  kubeconfig?: string;
  /** Context to use instead of the kubeconfig's current-context. */
  context?: string;
  /** Environment to read KUBECONFIG, HOME and the in-cluster variables from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Where a pod's service-account token, CA and namespace are mounted. */
  serviceAccountDir?: string;
}

/** A `cluster:` or `user:` block as written, with relative file paths made absolute. */
export type KubeconfigEntry = Record<string, unknown>;

/** The chosen context with its cluster and user, still raw: turning them into a connection comes later. */
export interface LoadedKubeconfig {
  /** Where the configuration came from, for messages: a path, `KUBECONFIG=…`, or `in-cluster service account`. */
  source: string;
  contextName: string;
  namespace: string | undefined;
  clusterName: string;
  cluster: KubeconfigEntry;
  /** Undefined when the context names no user: no credentials beyond the cluster's TLS settings. */
  userName: string | undefined;
  user: KubeconfigEntry;
}

interface Kubeconfig {
  currentContext: string | undefined;
  clusters: Map<string, KubeconfigEntry>;
  users: Map<string, KubeconfigEntry>;
  contexts: Map<string, KubeconfigEntry>;
}

const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

// The fields kubectl reads relative to the file that defines them (client-go's ResolveLocalPaths).
const CLUSTER_PATHS = ["certificate-authority"];
const USER_PATHS = ["client-certificate", "client-key", "tokenFile"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function resolvePaths(entry: KubeconfigEntry, fields: string[], dir: string): KubeconfigEntry {
  const out = { ...entry };
  for (const field of fields) {
    const value = out[field];
    if (typeof value === "string" && value !== "" && !isAbsolute(value)) out[field] = resolve(dir, value);
  }
  // A command given as a relative path (not a bare name looked up on PATH) is relative to the file too.
  const exec = out.exec;
  if (isRecord(exec) && typeof exec.command === "string" && exec.command.includes(sep)) {
    if (!isAbsolute(exec.command)) out.exec = { ...exec, command: resolve(dir, exec.command) };
  }
  return out;
}

function namedEntries(
  list: unknown,
  section: "clusters" | "users" | "contexts",
  field: "cluster" | "user" | "context",
  resolveIn: (entry: KubeconfigEntry) => KubeconfigEntry,
): Map<string, KubeconfigEntry> {
  const entries = new Map<string, KubeconfigEntry>();
  if (list === undefined || list === null) return entries;
  if (!Array.isArray(list)) throw new Error(`${section} is not a list`);
  list.forEach((item: unknown, i) => {
    if (!isRecord(item) || typeof item.name !== "string" || item.name === "") {
      throw new Error(`${section}[${i}].name is missing`);
    }
    const body = item[field] ?? {};
    if (!isRecord(body)) throw new Error(`${section}[${i}].${field} is not a mapping`);
    // kubectl refuses these too: which of the two was meant cannot be known.
    if (entries.has(item.name)) throw new Error(`${section} has "${item.name}" twice`);
    entries.set(item.name, resolveIn(body));
  });
  return entries;
}

function readKubeconfigFile(file: string): Kubeconfig {
  try {
    const doc: unknown = parse(readFileSync(file, "utf8")) ?? {};
    if (!isRecord(doc)) throw new Error("it is not a mapping");
    const dir = dirname(resolve(file));
    const current = doc["current-context"];
    return {
      currentContext: typeof current === "string" && current !== "" ? current : undefined,
      clusters: namedEntries(doc.clusters, "clusters", "cluster", (e) => resolvePaths(e, CLUSTER_PATHS, dir)),
      users: namedEntries(doc.users, "users", "user", (e) => resolvePaths(e, USER_PATHS, dir)),
      contexts: namedEntries(doc.contexts, "contexts", "context", (e) => e),
    };
  } catch (error) {
    throw new ZakenakError(
      "config-invalid",
      `kubeconfig ${file} cannot be read: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Like kubectl: the first file that sets current-context wins, and the first definition of a name. */
function fromFiles(files: string[]): Kubeconfig {
  const merged: Kubeconfig = {
    currentContext: undefined,
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
  };
  for (const file of files) {
    const next = readKubeconfigFile(file);
    merged.currentContext ??= next.currentContext;
    for (const section of ["clusters", "users", "contexts"] as const) {
      for (const [name, entry] of next[section]) {
        if (!merged[section].has(name)) merged[section].set(name, entry);
      }
    }
  }
  return merged;
}

function fromServiceAccount(env: NodeJS.ProcessEnv, dir: string): Kubeconfig {
  const host = env.KUBERNETES_SERVICE_HOST ?? "";
  const port = env.KUBERNETES_SERVICE_PORT ?? "443";
  const namespaceFile = join(dir, "namespace");
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, "utf8").trim() : "";
  return {
    currentContext: "in-cluster",
    clusters: new Map([
      [
        "in-cluster",
        {
          server: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
          "certificate-authority": join(dir, "ca.crt"),
        },
      ],
    ]),
    // A token file, not the token: projected tokens rotate (they last an hour) and are re-read.
    users: new Map([["service-account", { tokenFile: join(dir, "token") }]]),
    contexts: new Map([
      ["in-cluster", { cluster: "in-cluster", user: "service-account", ...(namespace ? { namespace } : {}) }],
    ]),
  };
}

function locate(opts: LoadKubeconfigOptions): { config: Kubeconfig; source: string } {
  const env = opts.env ?? process.env;
  if (opts.kubeconfig) {
    if (!existsSync(opts.kubeconfig)) {
      throw new ZakenakError("config-missing", `kubeconfig ${opts.kubeconfig} does not exist`);
    }
    return { config: fromFiles([opts.kubeconfig]), source: opts.kubeconfig };
  }
  if (env.KUBECONFIG) {
    const listed = env.KUBECONFIG.split(delimiter).filter(Boolean);
    const files = listed.filter((file) => existsSync(file));
    if (files.length === 0) {
      throw new ZakenakError("config-missing", `none of the KUBECONFIG files exist: ${listed.join(", ")}`);
    }
    return { config: fromFiles(files), source: `KUBECONFIG=${env.KUBECONFIG}` };
  }
  const saDir = opts.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  if (env.KUBERNETES_SERVICE_HOST && existsSync(join(saDir, "token"))) {
    return { config: fromServiceAccount(env, saDir), source: "in-cluster service account" };
  }
  const home = env.HOME ?? homedir();
  const fallback = join(home, ".kube", "config");
  if (existsSync(fallback)) return { config: fromFiles([fallback]), source: fallback };
  throw new ZakenakError(
    "config-missing",
    "no kubeconfig: pass one explicitly, set KUBECONFIG, run in a pod with a service account, or create ~/.kube/config",
  );
}

/**
 * Finds and reads the kubeconfig (explicit path, KUBECONFIG, in-cluster, ~/.kube/config) and picks the
 * context. Reads files only; certificates, tokens and exec plugins are dealt with when connecting.
 */
export function loadKubeconfig(opts: LoadKubeconfigOptions = {}): LoadedKubeconfig {
  const { config, source } = locate(opts);
  const invalid = (message: string) => new ZakenakError("config-invalid", message);
  const contexts = [...config.contexts.keys()];
  if (opts.context !== undefined && !config.contexts.has(opts.context)) {
    throw invalid(
      `context "${opts.context}" is not in kubeconfig ${source}` +
        (contexts.length ? ` (it has: ${contexts.join(", ")})` : " (it has no contexts)"),
    );
  }
  const contextName = opts.context ?? config.currentContext;
  if (!contextName) throw invalid(`kubeconfig ${source} sets no current-context; name a context explicitly`);
  const context = config.contexts.get(contextName);
  if (!context) throw invalid(`kubeconfig ${source}: current-context "${contextName}" is not defined`);
  const clusterName = typeof context.cluster === "string" ? context.cluster : "";
  const cluster = config.clusters.get(clusterName);
  if (!cluster) {
    throw invalid(
      clusterName
        ? `kubeconfig ${source}: context "${contextName}" names unknown cluster "${clusterName}"`
        : `kubeconfig ${source}: context "${contextName}" names no cluster`,
    );
  }
  const userName = typeof context.user === "string" && context.user !== "" ? context.user : undefined;
  const user = userName === undefined ? {} : config.users.get(userName);
  if (!user) throw invalid(`kubeconfig ${source}: context "${contextName}" names unknown user "${userName}"`);
  const namespace =
    typeof context.namespace === "string" && context.namespace ? context.namespace : undefined;
  return { source, contextName, namespace, clusterName, cluster, userName, user };
}
