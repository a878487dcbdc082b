import type { EnvConfig } from "../config/env-config.js";
import { ZakenakError } from "../errors.js";
import type { GitHost } from "../hosts/git-host.js";
import type { ProbotAuth } from "../hosts/github/github-host-for-installation.js";
import type { RepoRef } from "../hosts/host-event.js";

/**
 * The host client for each repository, from the process configuration: one client per token host
 * (Gitea, GitLab), and per GitHub App installation an Octokit authenticated as that installation.
 * Adapters are loaded only for the hosts configured.
 */
export function hostsFromConfig(config: EnvConfig): (repo: RepoRef) => Promise<GitHost> {
  const clients = new Map<string, Promise<GitHost>>();
  const once = (key: string, make: () => Promise<GitHost>) => {
    let client = clients.get(key);
    if (!client) {
      client = make().catch((err: unknown) => {
        clients.delete(key);
        throw err;
      });
      clients.set(key, client);
    }
    return client;
  };
  let probot: Promise<ProbotAuth> | undefined;

  return async (repo) => {
    switch (repo.host) {
      case "gitea": {
        const gitea = config.gitea;
        if (!gitea) throw notConfigured("Gitea", "GITEA_URL, GITEA_TOKEN, GITEA_WEBHOOK_SECRET");
        return once("gitea", async () =>
          (await import("../hosts/gitea/gitea-host.js")).createGiteaHost(gitea),
        );
      }
      case "gitlab": {
        const gitlab = config.gitlab;
        if (!gitlab) throw notConfigured("GitLab", "GITLAB_URL, GITLAB_TOKEN, GITLAB_WEBHOOK_SECRET");
        return once("gitlab", async () =>
          (await import("../hosts/gitlab/gitlab-host.js")).createGitLabHost(gitlab),
        );
      }
      case "github": {
        const github = config.github;
        if (!github) throw notConfigured("GitHub", "APP_ID, PRIVATE_KEY, WEBHOOK_SECRET");
        const installation = repo.installationId;
        if (installation === undefined) {
          throw new ZakenakError("invalid", `no GitHub App installation given for ${repo.fullName}`);
        }
        probot ??= (async () => {
          const { Probot } = await import("probot");
          return new Probot({
            appId: github.appId,
            privateKey: github.privateKey,
            secret: github.webhookSecret,
            baseUrl: github.baseUrl,
          });
        })();
        const app = await probot;
        // Installation tokens expire after an hour: a fresh Octokit per job, Probot caches the token.
        const { githubHostForInstallation } = await import("../hosts/github/github-host-for-installation.js");
        return githubHostForInstallation(app, installation);
      }
      default:
        throw notConfigured(repo.host, "(no adapter in this build)");
    }
  };
}

function notConfigured(host: string, variables: string): ZakenakError {
  return new ZakenakError("config-invalid", `${host} is not configured for the workers (set ${variables})`);
}
