import type { KubeObject } from "../model/kube-object.js";

/** Where a kind is served: found through discovery, refreshed when a new CRD appears. */
export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  /** Plural resource name used in URLs, e.g. `deployments`. */
  plural: string;
  namespaced: boolean;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface ApplyOptions {
  /** Server-side dry run: nothing is persisted; the result is what the object would become. */
  dryRun?: boolean;
  /** Take over fields owned by other field managers (an explicit per-environment choice). */
  force?: boolean;
  /** Default `zakenak`. */
  fieldManager?: string;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
}

/**
 * The cluster as the plan, apply, lock and history code sees it. One implementation talks to a real
 * API server; every call may throw a `KubeApiError` (see kube-api-error.ts).
 */
export interface KubeClient {
  /** REST mapping for a kind; on a miss, discovery is refreshed once before failing. */
  resource(apiVersion: string, kind: string): Promise<ResourceInfo>;
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  list(apiVersion: string, kind: string, opts?: ListOptions): Promise<KubeObject[]>;
  /** Server-side apply (PATCH application/apply-patch+yaml). Conflicts throw with code `apply-conflict`. */
  apply(obj: KubeObject, opts?: ApplyOptions): Promise<KubeObject>;
  /** Server-side apply to the status subresource (tests act as controllers with it). */
  applyStatus(obj: KubeObject, opts?: ApplyOptions): Promise<KubeObject>;
  create(obj: KubeObject): Promise<KubeObject>;
  /** PUT with metadata.resourceVersion for optimistic concurrency; a stale version throws code `conflict`. */
  replace(obj: KubeObject): Promise<KubeObject>;
  /** Deletes with background propagation; a missing object is not an error (returns false). */
  delete(ref: ObjectRef): Promise<boolean>;
  /** Waits until a CustomResourceDefinition reports Established, then refreshes discovery. */
  waitForCrd(name: string, timeoutMs: number): Promise<void>;
  /** Server address, for messages. */
  readonly server: string;
}
