import { performance } from "node:perf_hooks";
import { KubeApiError } from "./kube-api-error.js";
import type { ResourceInfo } from "./kube-client.js";
import type { KubeHttp } from "./kube-http.js";
import { identityScrubber } from "./secret-scrubber.js";

const AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

export interface ApiDiscoveryOptions {
  /** Use aggregated discovery (two requests) when the server offers it. Default true. */
  aggregated?: boolean;
}

export type Mapping = Map<string, ResourceInfo>;

interface AggregatedResource {
  resource?: string;
  responseKind?: { kind?: string };
  scope?: string;
}
interface AggregatedList {
  items?: {
    metadata?: { name?: string };
    versions?: { version?: string; resources?: AggregatedResource[] }[];
  }[];
}
interface LegacyResourceList {
  resources?: { name?: string; kind?: string; namespaced?: boolean }[];
}

function gv(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** Key of a kind in a discovery mapping. */
export function mappingKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/**
 * REST mapping from discovery, cached per client. A miss refreshes once (a CRD applied earlier in the
 * same run); concurrent misses share one refresh.
 */
export class ApiDiscovery {
  private loading: Promise<Mapping> | undefined;
  private loadingStartedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly http: KubeHttp,
    private readonly opts: ApiDiscoveryOptions = {},
  ) {}

  /** The mapping for a kind, or `unknown-kind` after one refresh. */
  async resolve(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const found = await this.lookup(apiVersion, kind);
    if (found) return found;
    const mapping = await this.current();
    const served = [...mapping.values()].filter((r) => r.kind === kind).map((r) => gv(r.group, r.version));
    const hint = served.length > 0 ? `; ${kind} is served as ${served.join(", ")}` : "";
    throw new KubeApiError(
      "unknown-kind",
      `kind ${kind} in ${apiVersion} is not served by the API server at ${this.http.server}` +
        ` (is its CustomResourceDefinition installed?)${hint}`,
    );
  }

  /** Like resolve, but undefined on a miss (after one refresh). */
  async lookup(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    const missedAt = performance.now();
    const cached = (await this.current()).get(mappingKey(apiVersion, kind));
    if (cached) return cached;
    return (await this.refresh(missedAt)).get(mappingKey(apiVersion, kind));
  }

  /** Reloads discovery unless a load that started at or after `since` already covers it. */
  refresh(since = performance.now()): Promise<Mapping> {
    if (this.loading && this.loadingStartedAt >= since) return this.loading;
    return this.startLoad();
  }

  /** The mapping as loaded, or being loaded, already; loads it when nothing has yet. */
  current(): Promise<Mapping> {
    return this.loading ?? this.startLoad();
  }

  private startLoad(): Promise<Mapping> {
    this.loadingStartedAt = performance.now();
    const load = this.load();
    this.loading = load;
    // A failed load is not cached: the next call tries again.
    load.catch(() => {
      if (this.loading === load) this.loading = undefined;
    });
    return load;
  }

  private async load(): Promise<Mapping> {
    if (this.opts.aggregated === false) return this.loadLegacy();
    const [core, groups] = await Promise.all([this.get("/api", AGGREGATED), this.get("/apis", AGGREGATED)]);
    const isAggregated = (r: { contentType: string }) => r.contentType.includes("as=APIGroupDiscoveryList");
    if (isAggregated(core) && isAggregated(groups)) {
      const mapping: Mapping = new Map();
      addAggregated(mapping, core.body as AggregatedList, true);
      addAggregated(mapping, groups.body as AggregatedList, false);
      return mapping;
    }
    return this.loadLegacy();
  }

  /** Per-group-version discovery, for servers without the aggregated endpoint (before v1.26). */
  private async loadLegacy(): Promise<Mapping> {
    const core = (await this.get("/api")).body as { versions?: string[] };
    const groups = (await this.get("/apis")).body as {
      groups?: { name: string; versions?: { version: string }[] }[];
    };
    const lists: { group: string; version: string; path: string }[] = [
      ...(core.versions ?? []).map((version) => ({ group: "", version, path: `/api/${version}` })),
      ...(groups.groups ?? []).flatMap((g) =>
        (g.versions ?? []).map(({ version }) => ({
          group: g.name,
          version,
          path: `/apis/${g.name}/${version}`,
        })),
      ),
    ];
    const mapping: Mapping = new Map();
    const results = await Promise.allSettled(lists.map((l) => this.get(l.path)));
    results.forEach((result, i) => {
      const { group, version } = lists[i] as (typeof lists)[number];
      // An aggregated API whose backend is down fails alone; the rest of the cluster stays usable.
      if (result.status !== "fulfilled") return;
      for (const r of (result.value.body as LegacyResourceList).resources ?? []) {
        if (!r.name || !r.kind || r.name.includes("/")) continue;
        const info = { group, version, kind: r.kind, plural: r.name, namespaced: r.namespaced === true };
        if (!mapping.has(mappingKey(gv(group, version), r.kind)))
          mapping.set(mappingKey(gv(group, version), r.kind), info);
      }
    });
    return mapping;
  }

  private get(path: string, accept?: string) {
    return this.http.call({
      method: "GET",
      path,
      accept,
      describe: { action: "discover", target: path, server: this.http.server, scrub: identityScrubber },
    });
  }
}

function addAggregated(mapping: Mapping, list: AggregatedList, core: boolean): void {
  for (const item of list.items ?? []) {
    const group = core ? "" : (item.metadata?.name ?? "");
    for (const v of item.versions ?? []) {
      if (!v.version) continue;
      for (const r of v.resources ?? []) {
        const kind = r.responseKind?.kind;
        if (!r.resource || !kind) continue;
        const info = {
          group,
          version: v.version,
          kind,
          plural: r.resource,
          namespaced: r.scope === "Namespaced",
        };
        if (!mapping.has(mappingKey(gv(group, v.version), kind)))
          mapping.set(mappingKey(gv(group, v.version), kind), info);
      }
    }
  }
}
