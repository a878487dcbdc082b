import { realpath, rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import type { EnvironmentConfig } from "../config/schema.js";
import { ZakenakError } from "../errors.js";
import { gitTopLevel } from "../git/git.js";
import { runProcess } from "../tools/run-process.js";
import { validateObjects } from "../validation/validate-objects.js";
import { openTree } from "./open-tree.js";
import { mapLimit } from "./render/map-limit.js";
import type { RenderCache } from "./render/render-cache.js";
import { type ReleaseRender, renderRelease } from "./render/render-release.js";
import { createRedactor } from "./secret-redactor.js";
import type { Finding, RenderedObject } from "./types.js";

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
    const ctx = { cache: opts.cache, inflight: new Map<string, Promise<ReleaseRender>>() };
    let done = 0;
    const renders = await mapLimit(releases, Math.max(2, availableParallelism()), async (r) => {
      const out = await renderRelease(tree.dir as string, r, environment.name, ctx);
      opts.onProgress?.(++done, releases.length, `${r.name} (${environment.name})`);
      return out;
    });
    const rendered = renders.flatMap((r) => r.objects);
    const redact = createRedactor(rendered.map((o) => o.object));
    const findings = [
      ...renders.flatMap((r) => r.findings),
      ...validateObjects(rendered, { rules: config.policy.rules }),
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
