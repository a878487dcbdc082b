import type { KubeObject } from "../model/kube-object.js";
import type { ApiDiscovery } from "./api-discovery.js";
import { KubeApiError } from "./kube-api-error.js";
import type { ApplyOptions, KubeClient, ListOptions, ObjectRef, ResourceInfo } from "./kube-client.js";
import type { RequestDescription } from "./kube-error-from-response.js";
import type { KubeHttp, KubeRequest } from "./kube-http.js";
import { describeObject, resourcePath } from "./resource-path.js";
import { identityScrubber, type Scrubber, secretScrubber } from "./secret-scrubber.js";
import { waitForCrd } from "./wait-for-crd.js";

const APPLY_PATCH = "application/apply-patch+yaml";
const LIST_PAGE = 500;

/** `KubeClient` over raw HTTP with discovery; `close()` drops the pooled connections. */
export class HttpKubeClient implements KubeClient {
  constructor(
    private readonly http: KubeHttp,
    private readonly discovery: ApiDiscovery,
    /** Namespace for namespaced objects that name none: the kubeconfig context's, else `default`. */
    readonly defaultNamespace: string,
  ) {}

  get server(): string {
    return this.http.server;
  }

  resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    return this.discovery.resolve(apiVersion, kind);
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const { info, namespace } = await this.locate(ref.apiVersion, ref.kind, ref.namespace);
    const req = this.request("GET", resourcePath(info, namespace, ref.name), "get", ref, namespace);
    const res = await this.http.call(req, [404]);
    return res.status === 404 ? undefined : (res.body as KubeObject);
  }

  async list(apiVersion: string, kind: string, opts: ListOptions = {}): Promise<KubeObject[]> {
    const info = await this.discovery.resolve(apiVersion, kind);
    const path = resourcePath(info, opts.namespace);
    const items: KubeObject[] = [];
    let token: string | undefined;
    do {
      const query = new URLSearchParams({ limit: String(LIST_PAGE) });
      if (opts.labelSelector) query.set("labelSelector", opts.labelSelector);
      if (token) query.set("continue", token);
      const res = await this.http.call({
        method: "GET",
        path: `${path}?${query}`,
        describe: this.describe("list", `${kind} in ${opts.namespace ?? "all namespaces"}`),
      });
      const page = res.body as { items?: KubeObject[]; metadata?: { continue?: string } };
      // Items of a list carry no apiVersion/kind; callers compare them with rendered objects.
      for (const item of page.items ?? []) items.push({ ...item, apiVersion, kind });
      token = page.metadata?.continue || undefined;
    } while (token);
    return items;
  }

  apply(obj: KubeObject, opts: ApplyOptions = {}): Promise<KubeObject> {
    return this.serverSideApply(obj, opts, undefined);
  }

  applyStatus(obj: KubeObject, opts: ApplyOptions = {}): Promise<KubeObject> {
    return this.serverSideApply(obj, opts, "status");
  }

  async create(obj: KubeObject): Promise<KubeObject> {
    const { info, namespace } = await this.locate(obj.apiVersion, obj.kind, obj.metadata.namespace);
    const path = `${resourcePath(info, namespace)}?fieldManager=zakenak`;
    const req = this.request("POST", path, "create", refOf(obj), namespace, secretScrubber(obj));
    return (await this.http.call({ ...req, body: obj })).body as KubeObject;
  }

  async replace(obj: KubeObject): Promise<KubeObject> {
    const { info, namespace } = await this.locate(obj.apiVersion, obj.kind, obj.metadata.namespace);
    const path = `${resourcePath(info, namespace, nameOf(obj, "replace"))}?fieldManager=zakenak`;
    const req = this.request("PUT", path, "replace", refOf(obj), namespace, secretScrubber(obj));
    return (await this.http.call({ ...req, body: obj })).body as KubeObject;
  }

  async delete(ref: ObjectRef): Promise<boolean> {
    const { info, namespace } = await this.locate(ref.apiVersion, ref.kind, ref.namespace);
    const path = `${resourcePath(info, namespace, ref.name)}?propagationPolicy=Background`;
    const req = this.request("DELETE", path, "delete", ref, namespace);
    const res = await this.http.call(req, [404]);
    return res.status !== 404;
  }

  async waitForCrd(name: string, timeoutMs: number): Promise<void> {
    await waitForCrd(this.http, this.discovery, name, timeoutMs);
  }

  warmUp(): void {
    this.discovery.current().catch(() => undefined);
  }

  close(): void {
    this.http.close();
  }

  private async serverSideApply(obj: KubeObject, opts: ApplyOptions, sub?: string): Promise<KubeObject> {
    const { info, namespace } = await this.locate(obj.apiVersion, obj.kind, obj.metadata.namespace);
    const query = new URLSearchParams({
      fieldManager: opts.fieldManager ?? "zakenak",
      force: String(opts.force === true),
    });
    if (opts.dryRun) query.set("dryRun", "All");
    const action = `${opts.dryRun ? "dry-run " : ""}apply${sub ? ` ${sub} of` : ""}`;
    const path = `${resourcePath(info, namespace, nameOf(obj, action), sub)}?${query}`;
    const req = this.request("PATCH", path, action, refOf(obj), namespace, secretScrubber(obj));
    // JSON is YAML: the apply-patch content type takes it as is, without a YAML encoder on our side.
    const res = await this.http.call({ ...req, body: obj, contentType: APPLY_PATCH });
    return res.body as KubeObject;
  }

  private async locate(apiVersion: string, kind: string, namespace: string | undefined) {
    const info = await this.discovery.resolve(apiVersion, kind);
    return { info, namespace: info.namespaced ? (namespace ?? this.defaultNamespace) : undefined };
  }

  private request(
    method: KubeRequest["method"],
    path: string,
    action: string,
    ref: ObjectRef,
    namespace: string | undefined,
    scrub: Scrubber = identityScrubber,
  ): KubeRequest {
    const describe = {
      ...this.describe(action, describeObject(ref.kind, namespace, ref.name), scrub),
      apply: method === "PATCH",
    };
    return { method, path, describe };
  }

  private describe(action: string, target: string, scrub: Scrubber = identityScrubber): RequestDescription {
    return { action, target, server: this.http.server, scrub };
  }
}

/** The object's name; a nameless object would turn a PUT or PATCH into a request on the collection. */
function nameOf(obj: KubeObject, action: string): string {
  const name = obj.metadata.name;
  if (name) return name;
  throw new KubeApiError("invalid", `${action} ${obj.kind}: metadata.name is required`);
}

function refOf(obj: KubeObject): ObjectRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name ?? "",
  };
}
