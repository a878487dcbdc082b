import { z } from "zod";
import { chartProblems } from "./chart-problems.js";

/** Repository paths stay inside the repository: relative, no `..`, no absolute paths. */
const repoPath = z
  .string()
  .min(1, "must not be empty")
  .refine((p) => !p.startsWith("/") && !/^[a-zA-Z]:[\\/]/.test(p), "must be relative to the repository root")
  .refine((p) => !p.split(/[\\/]/).includes(".."), "must stay inside the repository (no '..')");

/** A chart: a repository path like `repoPath`, unless it is a reference to a remote chart (`oci://…`). */
const chartField = z
  .string()
  .min(1, "must not be empty")
  .refine(
    (p) => p.includes("://") || (!p.startsWith("/") && !/^[a-zA-Z]:[\\/]/.test(p)),
    "must be relative to the repository root",
  )
  .refine(
    (p) => p.includes("://") || !p.split(/[\\/]/).includes(".."),
    "must stay inside the repository (no '..')",
  );

const name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a lowercase DNS label (a-z, 0-9, '-')")
  .max(53, "must be at most 53 characters (Helm's release name limit)");

export const PERMISSIONS = ["none", "read", "triage", "write", "maintain", "admin"] as const;
export const SEVERITY_SETTINGS = ["off", "error", "warning", "info"] as const;

const environment = z.strictObject({
  name,
  branch: z.string().min(1).optional(),
  tag: z.string().min(1).optional(),
  kubeContext: z.string().min(1).optional(),
  requireSignedCommits: z.boolean().optional(),
  healthTimeoutSeconds: z.number().int().positive().optional(),
  forceConflicts: z.boolean().optional(),
  historyLimit: z.number().int().min(1).max(1000).optional(),
});

const releaseOverride = z.strictObject({
  values: z.array(repoPath).optional(),
});

const release = z
  .strictObject({
    name,
    namespace: name.optional(),
    /** A chart directory in the repository, `oci://HOST/PATH/NAME`, or a chart's name in `repo`. */
    chart: chartField.optional(),
    /** A Helm repository (http or https) holding `chart`. */
    repo: z.string().optional(),
    /** The exact version of a remote chart (required for one, refused for a local chart). */
    version: z.string().optional(),
    values: z.array(repoPath).optional(),
    manifests: repoPath.optional(),
    kustomize: repoPath.optional(),
    environments: z.array(z.string()).min(1).optional(),
    env: z.record(z.string(), releaseOverride).optional(),
  })
  .superRefine((r, ctx) => {
    const sources = (["chart", "manifests", "kustomize"] as const).filter((k) => r[k] !== undefined);
    if (sources.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message:
          sources.length === 0
            ? "needs one of chart, manifests or kustomize"
            : `has ${sources.join(" and ")}; use exactly one of chart, manifests or kustomize`,
      });
    }
    if (!r.chart && r.values) {
      ctx.addIssue({ code: "custom", path: ["values"], message: "values files only apply to a chart" });
    }
    for (const problem of chartProblems(r)) ctx.addIssue({ code: "custom", ...problem });
  });

/** What the secret scan lets through; only the default branch's counts for the bot. */
const secretScan = z.strictObject({
  /** Globs of repository paths whose changes are not scanned. */
  ignorePaths: z.array(repoPath).default([]),
  /** Whether a `zakenak:allow-secret` marker on a line allowlists what is found there. */
  inlineMarker: z.boolean().default(true),
});

const policy = z.strictObject({
  plan: z.enum(PERMISSIONS).default("read"),
  rollback: z.enum(PERMISSIONS).default("write"),
  unlock: z.enum(PERMISSIONS).default("maintain"),
  rules: z.record(z.string(), z.enum(SEVERITY_SETTINGS)).default({}),
  secretScan: secretScan.optional(),
});

export const configSchema = z
  .strictObject({
    environments: z.array(environment).min(1, "needs at least one environment"),
    releases: z.array(release).default([]),
    policy: policy.default({ plan: "read", rollback: "write", unlock: "maintain", rules: {} }),
  })
  .superRefine((c, ctx) => {
    const envNames = new Set<string>();
    c.environments.forEach((e, i) => {
      if (envNames.has(e.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["environments", i, "name"],
          message: `duplicate environment "${e.name}"`,
        });
      }
      envNames.add(e.name);
    });
    const releaseNames = new Set<string>();
    c.releases.forEach((r, i) => {
      if (releaseNames.has(r.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["releases", i, "name"],
          message: `duplicate release "${r.name}"`,
        });
      }
      releaseNames.add(r.name);
      r.environments?.forEach((e, j) => {
        if (!envNames.has(e)) {
          ctx.addIssue({
            code: "custom",
            path: ["releases", i, "environments", j],
            message: `unknown environment "${e}"`,
          });
        }
      });
      for (const e of Object.keys(r.env ?? {})) {
        if (!envNames.has(e)) {
          ctx.addIssue({
            code: "custom",
            path: ["releases", i, "env", e],
            message: `unknown environment "${e}"`,
          });
        }
      }
    });
  });

export type ZakenakConfig = z.infer<typeof configSchema>;
export type EnvironmentConfig = ZakenakConfig["environments"][number];
export type ReleaseConfig = ZakenakConfig["releases"][number];
export type Permission = (typeof PERMISSIONS)[number];
