/** A Kubernetes object as rendered from Git or read from a cluster. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** One object out of a render, with where it came from so findings can point at it. */
export interface RenderedObject {
  object: KubeObject;
  release: string;
  /** Path relative to the repository root (for Helm: the template named in `# Source:`). */
  file: string;
  /** 1-based line of the document's start in `file`, when known. */
  line?: number;
}

export type Severity = "error" | "warning" | "info";

export interface Finding {
  rule: string;
  severity: Severity;
  file: string;
  line?: number;
  /** `Kind/namespace/name` or `Kind/name`. */
  object?: string;
  message: string;
}

export type ChangeAction = "create" | "update" | "delete";

export interface ObjectChange {
  action: ChangeAction;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** Unified diff with Secret values already masked. */
  diff: string;
}

export interface ReleasePlan {
  release: string;
  changes: ObjectChange[];
  unchanged: number;
  /** Set when the release could not be rendered; already masked. */
  error?: string;
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
}

export interface Plan {
  /** What the plan compared: a git revision, or "working tree". */
  base: string;
  head: string;
  /** "repository" compares two renders; "cluster" compares the live cluster with a dry run. */
  view: "repository" | "cluster";
  environments: EnvironmentPlan[];
}
