import { z } from "zod";
import { notificationsSchema } from "../notifications/notifications-schema.js";
import { driftSettingsSchema, pollNeedsNames, pollSettingsSchema } from "./operations-config.js";
import { registriesSchema } from "./registries-config.js";

/** `owner/name` globs: `*` within one path segment, `**` across; `*` or `**` alone allows every repository. */
const REPO_GLOB = /^(\*\*?|[A-Za-z0-9._*-]+(\/[A-Za-z0-9._*-]+)+)$/;

const repoGlob = z.string().regex(REPO_GLOB, "must be an owner/name glob (or '*' for every repository)");
const globs = z.array(z.string().min(1)).min(1);
const positive = z.number().int().positive();

/** What the operator grants one repository for one environment. */
const environmentGrant = z.strictObject({
  /** The kubeconfig context the environment deploys with: the only place the bot's contexts are chosen. */
  kubeContext: z.string().min(1).optional(),
  /** Branch globs allowed to deploy the environment; unset: any the default branch maps. */
  branches: globs.optional(),
  /** Tag globs allowed to deploy the environment; unset: any the default branch maps. */
  tags: globs.optional(),
  /** Whether the repository may take over fields of other field managers (`forceConflicts: true`). */
  forceConflicts: z.boolean().default(false),
  /** true forces signed commits on, whatever the repository says. */
  requireSignedCommits: z.boolean().default(false),
  /** Drift checks and healing of this environment; the top-level `drift` for what is not set. */
  drift: driftSettingsSchema.optional(),
});

const archiveLimits = z.strictObject({
  maxCompressedBytes: positive.optional(),
  maxExtractedBytes: positive.optional(),
  maxEntries: positive.optional(),
});

const limits = z.strictObject({ archive: archiveLimits.optional() });

const CLUSTER_VIEW = ["none", "same-repository", "all"] as const;

const repository = z.strictObject({
  /** One glob or several; the first entry that matches a repository is the one that applies to it. */
  match: z.union([repoGlob, z.array(repoGlob).min(1)]),
  /** Environments the repository may deploy to, by name; none: plans only, no cluster is touched. */
  environments: z.record(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/), environmentGrant).default({}),
  pullRequests: z
    .strictObject({
      /** Which pull requests get a cluster view: none, those from the repository's own branches, or all. */
      clusterView: z.enum(CLUSTER_VIEW).default("same-repository"),
    })
    .default({ clusterView: "same-repository" }),
  kustomize: z
    .strictObject({
      /** URL prefixes Kustomize may fetch remote bases from; none by default. */
      remoteBases: z.array(z.string().min(1)).default([]),
    })
    .default({ remoteBases: [] }),
  limits: limits.optional(),
  /** Read the environments' branches and tags at an interval, for a host whose webhooks cannot reach the bot. */
  poll: pollSettingsSchema.optional(),
});

export const serverConfigSchema = z.strictObject({
  repositories: z.array(repository.superRefine(pollNeedsNames)).default([]),
  limits: limits.default({}),
  /** Drift checks and healing for every environment (default: every 5 minutes, no healing). */
  drift: driftSettingsSchema.default({}),
  /** Credentials, CA and plain HTTP per registry host, for remote charts and image checks; default none. */
  registries: registriesSchema.default([]),
  /**
   * Hosts the bot may pull remote charts from (`oci://HOST/…` and `repo:` URLs), as globs
   * (`*.example.com`, `*` for any), besides the hosts under `registries`. A change names its chart, but
   * not a host the operator has not listed: the bot never fetches from an address a pull request picks.
   */
  chartSources: z.array(z.string().min(1)).default([]),
  /**
   * Registry hosts the bot may look a pull request's images up at (image checks), as globs, besides the
   * hosts under `registries`. An image on another host is not looked up: a change cannot make the bot
   * send requests to an address it picks, nor learn from the findings what answers there.
   */
  imageSources: z.array(z.string().min(1)).default([]),
  /** Slack, Teams and signed webhook targets, and which events of which environments go to them. */
  notifications: notificationsSchema.default({
    targets: {},
    routes: [],
    retry: { attempts: 5, delaySeconds: 10 },
  }),
});

export type ServerConfig = z.infer<typeof serverConfigSchema>;
export type RepositoryRule = ServerConfig["repositories"][number];
export type EnvironmentGrant = z.infer<typeof environmentGrant>;
export type ArchiveLimitSettings = z.infer<typeof archiveLimits>;
export type ClusterViewSetting = (typeof CLUSTER_VIEW)[number];
