import type { Finding } from "../model/finding.js";
import type { RenderedObject } from "../model/kube-object.js";
import { type ImageReference, parseImageReference } from "../registry/image-reference.js";
import type { ImageResolver, ImageStatus } from "../registry/image-resolver.js";
import { finding } from "../validation/objects.js";
import type { RuleOverrides } from "../validation/validate-objects.js";
import { harborProblems } from "./harbor-findings.js";
import { IMAGE_RULES, type ImageRecord, type ImageRule } from "./image-record.js";
import { type ImageUse, imageUses } from "./image-uses.js";
import { pullSecretIndex, pullSecretProblem } from "./pull-secrets.js";

export interface ImageCheckResult {
  findings: Finding[];
  /** Each distinct image once, sorted, with the digest its registry gave. */
  images: ImageRecord[];
}

type Parsed = { ref: ImageReference } | { invalid: string };

function parse(image: string): Parsed {
  try {
    return { ref: parseImageReference(image) };
  } catch (err) {
    return { invalid: (err as Error).message };
  }
}

function record(image: string, parsed: Parsed, status: ImageStatus | undefined): ImageRecord {
  if ("invalid" in parsed)
    return { image, registry: null, repository: null, digest: null, status: "invalid" };
  const { registry, repository } = parsed.ref;
  const digest = status?.status === "found" ? status.digest : null;
  return { image, registry, repository, digest, status: status?.status ?? "unchecked" };
}

/** Overrides from `policy.rules`, applied as the other rules' are: `off` drops a finding, a severity replaces. */
function applyOverrides(findings: Finding[], rules: RuleOverrides): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    const override = Object.hasOwn(rules, f.rule) ? rules[f.rule] : undefined;
    if (override === "off") continue;
    out.push(override ? { ...f, severity: override } : f);
  }
  return out;
}

function imageRulesOn(rules: RuleOverrides): boolean {
  return IMAGE_RULES.some((id) => !(Object.hasOwn(rules, id) && rules[id] === "off"));
}

/** Starts the lookups of a render's images, so they run while other releases still render. */
export function prefetchImages(
  objects: readonly RenderedObject[],
  resolver: ImageResolver,
  rules: RuleOverrides,
): void {
  if (!imageRulesOn(rules)) return;
  for (const use of imageUses(objects)) {
    const p = parse(use.image);
    // resolve() settles every outcome as a result; the catch only keeps a bug from going unhandled.
    if ("ref" in p) resolver.resolve(p.ref).catch(() => {});
  }
}

/**
 * Looks every container image of an environment's rendered workloads up in its registry (and in Harbor
 * where the registry is one): missing images, refused credentials, images needing credentials that the
 * pod has no pull secret for, unreachable registries (once per registry), and the environment's Harbor
 * policy. Every distinct image is looked up once per resolver, whatever the number of containers using it.
 */
export async function checkImages(
  objects: readonly RenderedObject[],
  environment: string,
  resolver: ImageResolver,
  rules: RuleOverrides,
): Promise<ImageCheckResult> {
  if (!imageRulesOn(rules)) return { findings: [], images: [] };
  const uses = imageUses(objects);
  const parsed = new Map<string, Parsed>();
  for (const use of uses) if (!parsed.has(use.image)) parsed.set(use.image, parse(use.image));
  const statuses = new Map<string, ImageStatus>();
  await Promise.all(
    [...parsed].map(async ([image, p]) => {
      if ("ref" in p) statuses.set(image, await resolver.resolve(p.ref));
    }),
  );
  const harbor = new Map<string, ReturnType<typeof harborProblems>>();
  await Promise.all(
    [...statuses].map(async ([image, status]) => {
      const p = parsed.get(image);
      if (status.status !== "found" || !p || !("ref" in p)) return;
      const policies = resolver.access(p.ref).harbor?.policy;
      const policy = policies?.[environment] ?? policies?.["*"];
      if (!policy) return;
      const outcome = await resolver.harbor(p.ref, status.digest);
      if (outcome) harbor.set(image, harborProblems(outcome, policy, environment));
    }),
  );

  const index = pullSecretIndex(objects);
  const findings: Finding[] = [];
  const unreachable = new Map<string, { use: ImageUse; message: string; images: Set<string> }>();
  const seen = new Set<string>();
  for (const use of uses) {
    const key = `${use.item.file}\0${use.item.object.kind}\0${use.item.object.metadata.namespace}\0${use.item.object.metadata.name}\0${use.image}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const p = parsed.get(use.image) as Parsed;
    const say = (rule: ImageRule, why: string) =>
      findings.push(finding(rule, use.item, `${use.label} image ${use.image}: ${why}`));
    if ("invalid" in p) {
      say("image-missing", p.invalid.replace(/^image "[^"]*" is /, "it is "));
      continue;
    }
    const status = statuses.get(use.image) as ImageStatus;
    switch (status.status) {
      case "missing":
        say("image-missing", status.message);
        break;
      case "refused":
        say("image-registry-auth", status.message);
        break;
      case "needs-credentials":
        say(
          "image-registry-credentials",
          `${status.message}; not checked (configure credentials for ${p.ref.registry} in registries)`,
        );
        break;
      case "unreachable": {
        const group = unreachable.get(p.ref.registry) ?? {
          use,
          message: status.message,
          images: new Set<string>(),
        };
        group.images.add(use.image);
        unreachable.set(p.ref.registry, group);
        break;
      }
      case "not-allowed":
        // The operator has not listed the host: nothing was asked, so there is nothing to report; the
        // plan's JSON lists the image with this status.
        break;
      case "found": {
        const problem = status.needsCredentials ? pullSecretProblem(use, p.ref.registry, index) : undefined;
        if (problem) say("image-pull-secret", `${p.ref.registry} requires credentials, but ${problem}`);
        for (const h of harbor.get(use.image) ?? []) say(h.rule, h.message);
        break;
      }
    }
  }
  for (const [registry, group] of unreachable) {
    const images = [...group.images].join(", ");
    findings.push(
      finding(
        "image-registry-unreachable",
        group.use.item,
        `registry ${registry} could not be checked (${group.message}); images not checked: ${images}`,
      ),
    );
  }
  const images = [...parsed]
    .map(([image, p]) => record(image, p, statuses.get(image)))
    .sort((a, b) => a.image.localeCompare(b.image));
  return { findings: applyOverrides(findings, rules), images };
}
