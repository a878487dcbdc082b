import type { Finding, Severity } from "../model/finding.js";
import type { RenderedObject } from "../model/kube-object.js";
import { duplicateObject } from "./rules/duplicate-object.js";
import { gpuLimits } from "./rules/gpu-limits.js";
import { gpuScheduling } from "./rules/gpu-scheduling.js";
import { hostPathVolume } from "./rules/host-path-volume.js";
import { imageLatestTag } from "./rules/image-latest-tag.js";
import { crdScopes, missingNamespace } from "./rules/missing-namespace.js";
import { missingResourceLimits } from "./rules/missing-resource-limits.js";
import { objectSize } from "./rules/object-size.js";
import { plainSecret } from "./rules/plain-secret.js";
import { privilegedContainer } from "./rules/privileged-container.js";
import { rbacWildcard } from "./rules/rbac-wildcard.js";
import { schema } from "./rules/schema.js";
import { schemaPackageVersion } from "./schema/load-validator.js";

export { RULES } from "./rules.js";

export interface RuleOverrides {
  [ruleId: string]: "off" | Severity;
}

export interface ValidateOptions {
  rules?: RuleOverrides;
  /**
   * What `checkObjects` gave for these objects under the same `rules` (e.g. kept in a render cache), so the
   * per-object rules need not run again; only the cross-object ones do.
   */
  checked?: Finding[][];
  /** Largest object, serialized, the cluster stores (etcd's request limit); default 1.5 MiB. */
  maxObjectBytes?: number;
}

const SEVERITIES = new Set<string>(["error", "warning", "info"]);

type ObjectRule = (item: RenderedObject, opts: ValidateOptions) => Finding[];

/** Per-object rules, keyed by the rule ids they emit (the schema rule also emits `unknown-kind`). */
const OBJECT_RULES: [ids: string[], rule: ObjectRule][] = [
  [["schema", "unknown-kind"], schema],
  [["privileged-container"], privilegedContainer],
  [["host-path-volume"], hostPathVolume],
  [["image-latest-tag"], imageLatestTag],
  [["missing-resource-limits"], missingResourceLimits],
  [["rbac-wildcard"], rbacWildcard],
  [["gpu-limits"], gpuLimits],
  [["gpu-scheduling"], gpuScheduling],
  [["plain-secret"], plainSecret],
  [["data-too-large", "annotations-too-large", "object-too-large"], objectSize],
];

/** Bump when a per-object rule changes what it reports, so findings cached by `checkFingerprint` expire. */
const OBJECT_RULES_REVISION = 2;

function enabledRules(opts: ValidateOptions): {
  override: (id: string) => RuleOverrides[string] | undefined;
  enabled: (id: string) => boolean;
  rules: [string[], ObjectRule][];
} {
  const overrides = opts.rules ?? {};
  const override = (id: string) => (Object.hasOwn(overrides, id) ? overrides[id] : undefined);
  const enabled = (id: string) => override(id) !== "off";
  return { override, enabled, rules: OBJECT_RULES.filter(([ids]) => ids.some(enabled)) };
}

/**
 * Findings of the per-object rules, one list per object, at default severities: they depend on nothing
 * but the object and which rules are on, so they can be cached with a render (see `checkFingerprint`).
 */
export function checkObjects(objects: readonly RenderedObject[], opts: ValidateOptions = {}): Finding[][] {
  const { rules } = enabledRules(opts);
  return objects.map((item) => rules.flatMap(([, rule]) => rule(item, opts)));
}

/** Identifies what `checkObjects` computes under `opts`: the rules that run and the schemas' version. */
export function checkFingerprint(opts: ValidateOptions = {}): string {
  const ids = enabledRules(opts).rules.map(([group]) => group.join("+"));
  const limit = opts.maxObjectBytes === undefined ? [] : [`max-object-bytes=${opts.maxObjectBytes}`];
  return [
    `rules-${OBJECT_RULES_REVISION}`,
    `kubernetes-models@${schemaPackageVersion()}`,
    ...ids,
    ...limit,
  ].join(" ");
}

/**
 * Validates rendered objects offline: Kubernetes schema plus policy rules. Findings come in input order,
 * then cross-object ones. `opts.rules` turns rules off (`"off"`) or changes their severity.
 */
export function validateObjects(objects: RenderedObject[], opts: ValidateOptions = {}): Finding[] {
  const { override, enabled } = enabledRules(opts);
  const checked =
    opts.checked && opts.checked.length === objects.length ? opts.checked : checkObjects(objects, opts);
  const crds = enabled("missing-namespace") ? crdScopes(objects) : new Map();

  const findings: Finding[] = [];
  objects.forEach((item, i) => {
    findings.push(...(checked[i] ?? []));
    if (enabled("missing-namespace")) findings.push(...missingNamespace(item, crds));
  });
  if (enabled("duplicate-object")) findings.push(...duplicateObject(objects));

  // Copies: checked findings can be shared with a cache and with other environments.
  const out: Finding[] = [];
  for (const f of findings) {
    const severity = override(f.rule);
    if (severity === "off") continue;
    out.push(severity && SEVERITIES.has(severity) ? { ...f, severity } : { ...f });
  }
  return out;
}
