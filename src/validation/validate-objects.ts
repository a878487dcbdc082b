import type { Finding, RenderedObject, Severity } from "../planning/types.js";
import { duplicateObject } from "./rules/duplicate-object.js";
import { gpuLimits } from "./rules/gpu-limits.js";
import { gpuScheduling } from "./rules/gpu-scheduling.js";
import { hostPathVolume } from "./rules/host-path-volume.js";
import { imageLatestTag } from "./rules/image-latest-tag.js";
import { crdScopes, missingNamespace } from "./rules/missing-namespace.js";
import { missingResourceLimits } from "./rules/missing-resource-limits.js";
import { plainSecret } from "./rules/plain-secret.js";
import { privilegedContainer } from "./rules/privileged-container.js";
import { rbacWildcard } from "./rules/rbac-wildcard.js";
import { schema } from "./rules/schema.js";

export { RULES } from "./rules.js";

export interface RuleOverrides {
  [ruleId: string]: "off" | Severity;
}

export interface ValidateOptions {
  rules?: RuleOverrides;
}

const SEVERITIES = new Set<string>(["error", "warning", "info"]);

type ObjectRule = (item: RenderedObject) => Finding[];

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
];

/**
 * Validates rendered objects offline: Kubernetes schema plus policy rules. Findings come in input order,
 * then cross-object ones. `opts.rules` turns rules off (`"off"`) or changes their severity.
 */
export function validateObjects(objects: RenderedObject[], opts: ValidateOptions = {}): Finding[] {
  const overrides = opts.rules ?? {};
  const override = (id: string) => (Object.hasOwn(overrides, id) ? overrides[id] : undefined);
  const enabled = (id: string) => override(id) !== "off";
  const rules = OBJECT_RULES.filter(([ids]) => ids.some(enabled));
  const crds = enabled("missing-namespace") ? crdScopes(objects) : new Map();

  const findings: Finding[] = [];
  for (const item of objects) {
    for (const [, rule] of rules) findings.push(...rule(item));
    if (enabled("missing-namespace")) findings.push(...missingNamespace(item, crds));
  }
  if (enabled("duplicate-object")) findings.push(...duplicateObject(objects));

  const out: Finding[] = [];
  for (const f of findings) {
    const severity = override(f.rule);
    if (severity === "off") continue;
    out.push(severity && SEVERITIES.has(severity) ? { ...f, severity } : f);
  }
  return out;
}
