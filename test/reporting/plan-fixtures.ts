import type { Finding } from "../../src/model/finding.js";
import type { EnvironmentPlan, ObjectChange, Plan, ReleasePlan } from "../../src/planning/types.js";

export function change(overrides: Partial<ObjectChange> = {}): ObjectChange {
  return {
    action: "update",
    apiVersion: "apps/v1",
    kind: "Deployment",
    namespace: "ai",
    name: "ollama",
    diff: "--- a\n+++ b\n@@ -1,2 +1,2 @@\n-  replicas: 1\n+  replicas: 2\n   image: ollama\n",
    ...overrides,
  };
}

export function release(
  name: string,
  changes: ObjectChange[],
  extra: Partial<ReleasePlan> = {},
): ReleasePlan {
  return { release: name, changes, unchanged: 0, ...extra };
}

export function environment(
  name: string,
  releases: ReleasePlan[],
  findings: Finding[] = [],
): EnvironmentPlan {
  const all = releases.flatMap((r) => r.changes);
  const count = (action: ObjectChange["action"]) => all.filter((c) => c.action === action).length;
  return {
    environment: name,
    releases,
    summary: {
      create: count("create"),
      update: count("update"),
      delete: count("delete"),
      unchanged: releases.reduce((sum, r) => sum + r.unchanged, 0),
    },
    findings,
    valid: !findings.some((f) => f.severity === "error") && !releases.some((r) => r.error !== undefined),
  };
}

export function plan(environments: EnvironmentPlan[]): Plan {
  return { base: "main", head: "feature/ollama", view: "repository", environments };
}

/** A small, realistic plan: two environments, three releases with changes, one render failure, findings. */
export function samplePlan(): Plan {
  return plan([
    environment(
      "dev",
      [
        release("ollama", [
          change({ action: "create", kind: "Service", name: "ollama" }),
          change(),
          change({ action: "delete", kind: "ConfigMap", name: "old-config" }),
        ]),
        release("ingress", [], { unchanged: 4 }),
      ],
      [
        {
          rule: "no-latest-tag",
          severity: "warning",
          file: "apps/ollama/values.yaml",
          line: 3,
          message: "uses latest",
        },
        {
          rule: "resources-required",
          severity: "error",
          file: "apps/ollama/deployment.yaml",
          line: 12,
          object: "Deployment/ai/ollama",
          message: "container ollama has no memory limit",
        },
      ],
    ),
    environment("prod", [
      release("ollama", [change({ namespace: "ai-prod" })], { unchanged: 2 }),
      release("monitoring", [], { error: "helm template: chart not found: grafana-9.9.9.tgz" }),
    ]),
  ]);
}

/** A release whose diff has `lines` changed lines of about 60 characters each. */
export function hugeRelease(name: string, lines: number): ReleasePlan {
  const body = Array.from({ length: lines }, (_, i) => `+  line-${i}: ${"x".repeat(48)}`).join("\n");
  return release(name, [
    change({ action: "create", kind: "ConfigMap", name, diff: `@@ -0,0 +1,${lines} @@\n${body}\n` }),
  ]);
}

export function count(haystack: string, needle: string | RegExp): number {
  return needle instanceof RegExp
    ? [...haystack.matchAll(new RegExp(needle.source, `${needle.flags.replace("g", "")}g`))].length
    : haystack.split(needle).length - 1;
}

/** Every fenced code block is closed: opening and closing fence lines pair up, longest-fence aware. */
export function fencesBalanced(markdown: string): boolean {
  let open: string | undefined;
  for (const line of markdown.split("\n")) {
    const fence = /^(`{3,})(.*)$/.exec(line);
    if (fence === null) continue;
    const [, ticks = "", rest = ""] = fence;
    if (open === undefined) open = ticks;
    else if (ticks.length >= open.length && rest.trim() === "") open = undefined;
  }
  return open === undefined;
}

/** `<details>` opened outside code blocks equals `</details>` closed outside code blocks. */
export function detailsBalanced(markdown: string): boolean {
  let inFence: string | undefined;
  let depth = 0;
  for (const line of markdown.split("\n")) {
    const fence = /^(`{3,})(.*)$/.exec(line);
    if (fence !== null) {
      const [, ticks = "", rest = ""] = fence;
      if (inFence === undefined) inFence = ticks;
      else if (ticks.length >= inFence.length && rest.trim() === "") inFence = undefined;
      continue;
    }
    if (inFence !== undefined) continue;
    if (line === "<details>") depth += 1;
    if (line === "</details>") depth -= 1;
    if (depth < 0) return false;
  }
  return depth === 0 && inFence === undefined;
}
