import type { KubeObject, RenderedObject } from "../model/kube-object.js";
import { isRecord, type Json } from "../validation/objects.js";
import type { ImageUse } from "./image-uses.js";

/** The rendered ServiceAccounts and Secrets of a plan, by `namespace/name`. */
export interface PullSecretIndex {
  serviceAccounts: Map<string, KubeObject>;
  secrets: Map<string, KubeObject>;
}

export function pullSecretIndex(objects: readonly RenderedObject[]): PullSecretIndex {
  const index: PullSecretIndex = { serviceAccounts: new Map(), secrets: new Map() };
  for (const { object } of objects) {
    if (object.apiVersion !== "v1") continue;
    const key = `${object.metadata.namespace ?? ""}/${object.metadata.name ?? ""}`;
    if (object.kind === "ServiceAccount") index.serviceAccounts.set(key, object);
    if (object.kind === "Secret") index.secrets.set(key, object);
  }
  return index;
}

function secretNames(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isRecord).flatMap((s) => (typeof s.name === "string" && s.name !== "" ? [s.name] : []));
}

const DOCKER_HUB = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/** `https://index.docker.io/v1/` → `docker.io`; `ghcr.io` → `ghcr.io`: the host an `auths` key is for. */
function authHost(key: string): string {
  const host =
    key
      .replace(/^[a-z]+:\/\//i, "")
      .split("/")[0]
      ?.toLowerCase() ?? "";
  return DOCKER_HUB.has(host) ? "docker.io" : host;
}

/** The registry hosts a rendered pull secret holds credentials for; never its values. */
function registriesOf(secret: KubeObject): string[] {
  const key = secret.type === "kubernetes.io/dockercfg" ? ".dockercfg" : ".dockerconfigjson";
  const data = isRecord(secret.data) ? secret.data[key] : undefined;
  const plain = isRecord(secret.stringData) ? secret.stringData[key] : undefined;
  const text =
    typeof plain === "string"
      ? plain
      : typeof data === "string"
        ? Buffer.from(data, "base64").toString("utf8")
        : "";
  try {
    const parsed = JSON.parse(text) as Json;
    const auths = key === ".dockercfg" ? parsed : parsed.auths;
    return isRecord(auths) ? Object.keys(auths).map(authHost) : [];
  } catch {
    return [];
  }
}

/**
 * Why the pod of `use` cannot pull from `registry` with credentials, or undefined when it can (as far as
 * the plan shows). Pull secrets come from the pod spec and from its ServiceAccount when the plan renders
 * it. A named Secret the plan does not render is taken on trust: it may come from outside Git.
 */
export function pullSecretProblem(
  use: ImageUse,
  registry: string,
  index: PullSecretIndex,
): string | undefined {
  const ns = use.namespace ?? "";
  const accountName =
    typeof use.pod.serviceAccountName === "string"
      ? use.pod.serviceAccountName
      : typeof use.pod.serviceAccount === "string"
        ? use.pod.serviceAccount
        : "default";
  const account = index.serviceAccounts.get(`${ns}/${accountName}`);
  const names = [
    ...new Set([...secretNames(use.pod.imagePullSecrets), ...secretNames(account?.imagePullSecrets)]),
  ];
  const host = authHost(registry);
  if (names.length === 0) {
    const where = account
      ? `its ServiceAccount ${accountName}`
      : `its ServiceAccount ${accountName} (not in this plan)`;
    return `neither the pod nor ${where} names an imagePullSecret`;
  }
  const rendered = names.map((name) => index.secrets.get(`${ns}/${name}`));
  if (rendered.some((s) => s === undefined || registriesOf(s).includes(host))) return undefined;
  return `its imagePullSecrets (${names.join(", ")}) hold no credentials for ${registry}`;
}
