import type { ObjectRef } from "../../kube/kube-client.js";
import type { DeployedChart } from "../../model/chart-record.js";
import type { KubeObject } from "../../model/kube-object.js";

/** `reconcile`: the deployed revision applied again by drift healing, after a change behind Zakenak's back. */
export type RevisionTrigger = "apply" | "rollback" | "auto-rollback" | "reconcile";
export type RevisionResult = "in-progress" | "succeeded" | "failed" | "rolled-back";

/** An object a revision owns: what a later revision prunes when the object leaves Git. */
export type InventoryEntry = ObjectRef;

/**
 * What `/history` and `zakenak history` show. Holds no manifest content by construction, so printing
 * one can never leak a Secret.
 */
export interface RevisionSummary {
  environment: string;
  number: number;
  /** Name of the Secret the revision is stored in. */
  name: string;
  sha: string;
  ref: string;
  trigger: RevisionTrigger;
  actor: string;
  startedAt: Date;
  finishedAt?: Date;
  result: RevisionResult;
  /** The revision this one rolled back to, for rollbacks; the one it applied again, for reconciles. */
  rollbackOf?: number;
  message?: string;
  objectCount: number;
  /** Size of the gzipped manifests in bytes. */
  compressedBytes: number;
  /** How many chunk Secrets hold the manifests; 0 when they fit in the revision's own Secret. */
  parts: number;
  /** The charts pulled from registries for the revision, with their digests. */
  charts?: DeployedChart[];
}

export interface Revision extends RevisionSummary {
  objects: KubeObject[];
  inventory: InventoryEntry[];
}
