import type { HarborOutcome } from "../registry/harbor/harbor-artifact.js";
import { severityRank } from "../registry/harbor/summarize-artifact.js";
import type { HarborPolicy } from "../registry/registry-access.js";

/** A problem Harbor's view of an image shows under an environment's policy: which rule, and why. */
export interface HarborProblem {
  rule: "image-vulnerabilities" | "image-unsigned" | "image-not-scanned";
  message: string;
}

function counted(counts: Record<string, number>): string {
  const order = Object.entries(counts).sort(([a], [b]) => severityRank(b) - severityRank(a));
  return order.map(([severity, n]) => `${n} ${severity}`).join(", ");
}

/**
 * Holds an artifact's scan summary and signatures against the environment's policy. A scan that is
 * missing, unfinished or unreadable cannot show the image is acceptable: that is `image-not-scanned`.
 */
export function harborProblems(
  outcome: HarborOutcome,
  policy: HarborPolicy,
  environment: string,
): HarborProblem[] {
  if ("error" in outcome)
    return [{ rule: "image-not-scanned", message: `cannot read it from Harbor: ${outcome.error}` }];
  const { scan, signatures } = outcome.artifact;
  const problems: HarborProblem[] = [];
  const max = policy.maxSeverity;
  if (max !== undefined) {
    if (!scan) {
      problems.push({
        rule: "image-not-scanned",
        message: `Harbor has no vulnerability scan of it (${environment} allows up to ${max})`,
      });
    } else if (scan.status !== "Success") {
      problems.push({
        rule: "image-not-scanned",
        message: `its Harbor scan is ${scan.status}, not finished (${environment} allows up to ${max})`,
      });
    } else {
      const worst = [scan.severity ?? "None", ...Object.keys(scan.counts)].reduce((a, b) =>
        severityRank(b) > severityRank(a) ? b : a,
      );
      if (severityRank(worst) > severityRank(max)) {
        const detail = counted(scan.counts);
        problems.push({
          rule: "image-vulnerabilities",
          message: `Harbor found ${worst} vulnerabilities${detail ? ` (${detail})` : ""}; ${environment} allows up to ${max}`,
        });
      }
    }
  }
  if (policy.requireSignature && signatures.length === 0) {
    problems.push({
      rule: "image-unsigned",
      message: `it has no cosign or notation signature in Harbor; ${environment} requires one`,
    });
  }
  return problems;
}
