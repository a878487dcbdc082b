import { repoAllowlist } from "../config/repo-allowlist.js";
import type {
  ArchiveLimitSettings,
  ClusterViewSetting,
  EnvironmentGrant,
  ServerConfig,
} from "../config/server-config.js";

/** What the operator lets one repository do. */
export interface RepositoryGrant {
  /**
   * Environments the repository may deploy to, by name. Undefined in single-tenant mode (no server
   * configuration): every environment the default branch declares, with the contexts it names.
   */
  environments?: Record<string, EnvironmentGrant>;
  clusterView: ClusterViewSetting;
  /** URL prefixes Kustomize may fetch remote bases from. */
  remoteBases: string[];
  archive: ArchiveLimitSettings;
  /** Where the grant comes from, for messages: `server configuration repositories[0]`. */
  source: string;
}

/** The grant when no server configuration exists: each allowed repository's default branch is trusted. */
export const SINGLE_TENANT: RepositoryGrant = {
  clusterView: "same-repository",
  remoteBases: [],
  archive: {},
  source: "single-tenant mode (no server configuration)",
};

/**
 * The server configuration's grant for a repository: its first `repositories` entry that matches.
 * Without a server configuration every repository gets the single-tenant grant; with one, a repository
 * no entry matches gets no environments at all (the allow list decides whether it is served).
 */
export function repositoryGrant(server: ServerConfig | undefined, fullName: string): RepositoryGrant {
  if (!server) return SINGLE_TENANT;
  const index = server.repositories.findIndex((r) =>
    repoAllowlist(typeof r.match === "string" ? [r.match] : r.match)(fullName),
  );
  const rule = server.repositories[index];
  if (!rule) {
    return {
      environments: {},
      clusterView: "none",
      remoteBases: [],
      archive: server.limits.archive ?? {},
      source: "server configuration (no repositories entry matches)",
    };
  }
  return {
    environments: rule.environments,
    clusterView: rule.pullRequests.clusterView,
    remoteBases: rule.kustomize.remoteBases,
    archive: { ...server.limits.archive, ...rule.limits?.archive },
    source: `server configuration repositories[${index}]`,
  };
}

/** Whether a repository is served at all: in `ZAKENAK_REPO_ALLOWLIST` or matched by the server configuration. */
export function servedRepositories(
  allowlist: readonly string[],
  server: ServerConfig | undefined,
): { globs: string[]; allowed: (fullName: string) => boolean } {
  const globs = [
    ...allowlist,
    ...(server?.repositories.flatMap((r) => (typeof r.match === "string" ? [r.match] : r.match)) ?? []),
  ];
  return { globs, allowed: repoAllowlist(globs) };
}
