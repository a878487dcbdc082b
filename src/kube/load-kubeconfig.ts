import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
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

export interface LoadedKubeconfig {
  kc: KubeConfig;
  /** Where the configuration came from, for messages: a path, or `in-cluster service account`. */
  source: string;
}

const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

function fromFiles(files: string[], source: string): LoadedKubeconfig {
  const kc = new KubeConfig();
  files.forEach((file, i) => {
    try {
      const next = i === 0 ? kc : new KubeConfig();
      next.loadFromFile(file);
      // Like kubectl: the first file that sets current-context wins, entries merge in order.
      if (next !== kc) kc.mergeConfig(next, Boolean(kc.currentContext));
    } catch (error) {
      throw new ZakenakError(
        "config-invalid",
        `kubeconfig ${file} cannot be read: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  });
  return { kc, source };
}

function fromServiceAccount(env: NodeJS.ProcessEnv, dir: string): LoadedKubeconfig {
  const host = env.KUBERNETES_SERVICE_HOST ?? "";
  const port = env.KUBERNETES_SERVICE_PORT ?? "443";
  const namespaceFile = join(dir, "namespace");
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: "in-cluster",
        server: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
        caFile: join(dir, "ca.crt"),
        skipTLSVerify: false,
      },
    ],
    // The token file is re-read as it rotates (projected tokens last an hour).
    users: [
      {
        name: "service-account",
        authProvider: { name: "tokenFile", config: { tokenFile: join(dir, "token") } },
      },
    ],
    contexts: [
      {
        name: "in-cluster",
        cluster: "in-cluster",
        user: "service-account",
        namespace: existsSync(namespaceFile) ? readFileSync(namespaceFile, "utf8").trim() : undefined,
      },
    ],
    currentContext: "in-cluster",
  });
  return { kc, source: "in-cluster service account" };
}

function locate(opts: LoadKubeconfigOptions): LoadedKubeconfig {
  const env = opts.env ?? process.env;
  if (opts.kubeconfig) {
    if (!existsSync(opts.kubeconfig)) {
      throw new ZakenakError("config-missing", `kubeconfig ${opts.kubeconfig} does not exist`);
    }
    return fromFiles([opts.kubeconfig], opts.kubeconfig);
  }
  if (env.KUBECONFIG) {
    const listed = env.KUBECONFIG.split(delimiter).filter(Boolean);
    const files = listed.filter((file) => existsSync(file));
    if (files.length === 0) {
      throw new ZakenakError("config-missing", `none of the KUBECONFIG files exist: ${listed.join(", ")}`);
    }
    return fromFiles(files, `KUBECONFIG=${env.KUBECONFIG}`);
  }
  const saDir = opts.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  if (env.KUBERNETES_SERVICE_HOST && existsSync(join(saDir, "token"))) return fromServiceAccount(env, saDir);
  const home = env.HOME ?? homedir();
  const fallback = join(home, ".kube", "config");
  if (existsSync(fallback)) return fromFiles([fallback], fallback);
  throw new ZakenakError(
    "config-missing",
    "no kubeconfig: pass one explicitly, set KUBECONFIG, run in a pod with a service account, or create ~/.kube/config",
  );
}

/** Finds and loads the kubeconfig (explicit path, KUBECONFIG, in-cluster, ~/.kube/config) and picks the context. */
export function loadKubeconfig(opts: LoadKubeconfigOptions = {}): LoadedKubeconfig {
  const loaded = locate(opts);
  const { kc, source } = loaded;
  const contexts = kc.getContexts().map((c) => c.name);
  if (opts.context !== undefined) {
    if (!contexts.includes(opts.context)) {
      throw new ZakenakError(
        "config-invalid",
        `context "${opts.context}" is not in kubeconfig ${source}` +
          (contexts.length ? ` (it has: ${contexts.join(", ")})` : " (it has no contexts)"),
      );
    }
    kc.setCurrentContext(opts.context);
  }
  const current = kc.getCurrentContext();
  if (!current || !contexts.includes(current)) {
    throw new ZakenakError(
      "config-invalid",
      current
        ? `kubeconfig ${source}: current-context "${current}" is not defined`
        : `kubeconfig ${source} sets no current-context; name a context explicitly`,
    );
  }
  if (!kc.getCurrentCluster()) {
    const cluster = kc.getContextObject(current)?.cluster;
    throw new ZakenakError(
      "config-invalid",
      `kubeconfig ${source}: context "${current}" names unknown cluster "${cluster}"`,
    );
  }
  return loaded;
}
