import { realpath, rm } from "node:fs/promises";
import type { EnvironmentConfig } from "../config/schema.js";
import { ZakenakError } from "../errors.js";
import { gitTopLevel } from "../git/git.js";
import type { Finding } from "../model/finding.js";
import type { RenderedObject } from "../model/kube-object.js";
import { mapLimit } from "../model/map-limit.js";
import { runProcess } from "../tools/run-process.js";
import { checkFingerprint, checkObjects, validateObjects } from "../validation/validate-objects.js";
import { openTree, treeSource } from "./open-tree.js";
import { inputPaths } from "./render/input-key.js";
import type { RenderCache } from "./render/render-cache.js";
import { type RenderContext, renderRelease } from "./render/render-release.js";
import { defaultProcesses, toolSlots } from "./render/tool-slots.js";
import { createRedactor } from "./secret-redactor.js";

export interface RenderedEnvironment {
  environment: EnvironmentConfig;
  objects: RenderedObject[];
  findings: Finding[];
  /** Releases that failed to render, by name, with the (masked) reason. */
  failed: Map<string, string>;
  /** Commit rendered (for the working tree: HEAD), when in a git repository. */
  sha?: string;
  ref: string;
}

/** Renders and validates one environment's desired state at a revision (or the working tree). */
export async function renderEnvironment(opts: {
  repoDir: string;
  ref?: string;
  environment: string;
  cache: RenderCache;
  onProgress?: (done: number, total: number, label: string) => void;
}): Promise<RenderedEnvironment> {
  const temps: string[] = [];
  try {
    const repoDir = await realpath(opts.repoDir).catch(() => {
      throw new ZakenakError("file-missing", `repository directory ${opts.repoDir} does not exist`);
    });
    const top = await gitTopLevel(repoDir);
    const tree = await openTree(repoDir, top, opts.ref, temps, true);
    const config = tree.config;
    const environment = config?.environments.find((e) => e.name === opts.environment);
    if (!config || !environment) {
      const known = config?.environments.map((e) => e.name).join(", ") ?? "";
      throw new ZakenakError("usage", `unknown environment "${opts.environment}" (known: ${known})`);
    }
    const releases = config.releases.filter(
      (r) => !r.environments || r.environments.includes(environment.name),
    );
    tree.revision?.prefetch(releases.flatMap((r) => inputPaths(r, environment.name)));
    const rules = { rules: config.policy.rules };
    const ctx: RenderContext = {
      cache: opts.cache,
      inflight: new Map(),
      check: { fingerprint: checkFingerprint(rules), run: (objects) => checkObjects(objects, rules) },
      slots: toolSlots(defaultProcesses()),
    };
    let done = 0;
    const renders = await mapLimit(releases, defaultProcesses() * 4, async (r) => {
      const out = await renderRelease(treeSource(tree), r, environment.name, ctx);
      opts.onProgress?.(++done, releases.length, `${r.name} (${environment.name})`);
      return out;
    });
    const rendered = renders.flatMap((r) => r.objects);
    const redact = createRedactor(rendered.map((o) => o.object));
    const findings = [
      ...renders.flatMap((r) => r.findings),
      ...validateObjects(rendered, {
        ...rules,
        checked: renders.flatMap((r) => r.checked ?? checkObjects(r.objects, rules)),
      }),
    ];
    const failed = new Map<string, string>();
    renders.forEach((r, i) => {
      if (r.error) failed.set((releases[i] as { name: string }).name, redact(r.error));
    });
    const sha = tree.sha ?? (top ? await headSha(repoDir) : undefined);
    return {
      environment,
      objects: rendered,
      findings: findings.map((f) => ({ ...f, message: redact(f.message) })),
      failed,
      ...(sha ? { sha } : {}),
      ref: opts.ref ?? "working tree",
    };
  } finally {
    await Promise.all(temps.map((t) => rm(t, { recursive: true, force: true })));
  }
}

async function headSha(repoDir: string): Promise<string | undefined> {
  const res = await runProcess("git", ["-C", repoDir, "rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
  return res.code === 0 ? res.stdout.trim() : undefined;
}

/** Throws unless the render is complete and valid: nothing half-rendered or invalid reaches a cluster. */
export function assertDeployable(r: RenderedEnvironment): void {
  const problems = [
    ...r.failed.values(),
    ...r.findings
      .filter((f) => f.severity === "error")
      .map(
        (f) =>
          `${f.file}${f.line ? `:${f.line}` : ""}: [${f.rule}] ${f.object ? `${f.object}: ` : ""}${f.message}`,
      ),
  ];
  if (problems.length > 0) {
    throw new ZakenakError(
      "render-failed",
      `environment ${r.environment.name} is not valid, nothing was applied:\n  ${problems.join("\n  ")}`,
    );
  }
}
