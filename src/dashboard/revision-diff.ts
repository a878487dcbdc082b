import { readRevision } from "../applying/history/read-revision.js";
import type { KubeClient } from "../kube/kube-client.js";
import type { KubeObject } from "../model/kube-object.js";
import { secretForms } from "../model/secret-forms.js";
import { toYaml, unifiedDiff } from "../planning/diff-objects.js";
import { maskSecretPair } from "../planning/mask-secrets.js";
import { createRedactor } from "../planning/secret-redactor.js";

export interface ObjectDiff {
  /** `Kind namespace/name`. */
  object: string;
  action: "added" | "removed" | "changed";
  /** Unified diff hunks of the masked YAML. */
  hunks: string;
}

const keyOf = (o: KubeObject) =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name ?? ""}`;

/**
 * What changed between two revisions of an environment, object by object. Secret values are masked in
 * the objects (`maskSecretPair`), and the text is passed through a redactor of both revisions' Secrets
 * as well, so a value copied into a ConfigMap or an annotation is hidden too.
 */
export async function revisionDiff(
  client: KubeClient,
  environment: string,
  from: number,
  to: number,
): Promise<ObjectDiff[]> {
  const [before, after] = await Promise.all([
    readRevision(client, environment, from),
    readRevision(client, environment, to),
  ]);
  const all = [...before.objects, ...after.objects];
  const known = new Set(all.flatMap(secretForms));
  const redact = createRedactor(all);
  const old = new Map(before.objects.map((o) => [keyOf(o), o]));
  const now = new Map(after.objects.map((o) => [keyOf(o), o]));
  const diffs: ObjectDiff[] = [];
  for (const key of [...new Set([...old.keys(), ...now.keys()])].sort()) {
    const [b, a] = maskSecretPair(old.get(key), now.get(key), known);
    const oldText = b ? toYaml(b) : "";
    const newText = a ? toYaml(a) : "";
    if (oldText === newText) continue;
    diffs.push({
      object: key,
      action: !b ? "added" : !a ? "removed" : "changed",
      hunks: redact(unifiedDiff(oldText, newText)),
    });
  }
  return diffs;
}
