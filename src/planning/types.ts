import type { ImageRecord } from "../image-check/image-record.js";
import type { ChartRecord } from "../model/chart-record.js";
import type { Finding } from "../model/finding.js";

export type ChangeAction = "create" | "update" | "delete";

export interface ObjectChange {
  action: ChangeAction;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** Unified diff with Secret values already masked. */
  diff: string;
  /** Cluster view updates: the paths that differ (`spec.replicas`), keys only, never values. */
  fields?: string[];
}

export interface ReleasePlan {
  release: string;
  changes: ObjectChange[];
  unchanged: number;
  /** Set when the release could not be rendered; already masked. */
  error?: string;
  /** Charts pulled for the head's render (its remote chart, its chart's dependencies), with their digests. */
  charts?: ChartRecord[];
}

export interface ChangeCounts {
  create: number;
  update: number;
  delete: number;
  unchanged: number;
}

export interface EnvironmentPlan {
  environment: string;
  releases: ReleasePlan[];
  summary: ChangeCounts;
  findings: Finding[];
  /** False when any finding is an error or any release failed to render. */
  valid: boolean;
  /** The head's container images and their registry digests, when the image check ran. */
  images?: ImageRecord[];
}

export interface Plan {
  /** What the plan compared: a git revision, or "working tree". */
  base: string;
  head: string;
  /** "repository" compares two renders; "cluster" compares the live cluster with a dry run. */
  view: "repository" | "cluster";
  environments: EnvironmentPlan[];
}
