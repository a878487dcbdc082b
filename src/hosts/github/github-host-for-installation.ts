import type { GitHost } from "../git-host.js";
import { gitHubError } from "./github-errors.js";
import { createGitHubHost, type GitHubOctokit } from "./github-host.js";

/**
 * The part of a Probot app (`Probot` instance) used here: `auth(id)` gives the installation-authenticated
 * Octokit, `auth()` the App's own (JWT) one.
 */
export interface ProbotAuth {
  auth(installationId?: number): Promise<GitHubOctokit>;
}

// The App's slug does not change while the process runs; one lookup per app object is enough.
const botLogins = new WeakMap<ProbotAuth, Promise<string>>();

function appBotLogin(app: ProbotAuth): Promise<string> {
  let login = botLogins.get(app);
  if (!login) {
    login = (async () => {
      const appOctokit = await app.auth();
      const { data } = await appOctokit.rest.apps.getAuthenticated();
      if (!data?.slug) throw new Error("GET /app returned no slug");
      // An App comments as the bot account `<slug>[bot]`.
      return `${data.slug}[bot]`;
    })().catch((error: unknown) => {
      botLogins.delete(app);
      throw gitHubError({ host: "github", call: "botUser" }, error);
    });
    botLogins.set(app, login);
  }
  return login;
}

/** The GitHub adapter for one App installation, acting with that installation's token. */
export async function githubHostForInstallation(app: ProbotAuth, installationId: number): Promise<GitHost> {
  let octokit: GitHubOctokit;
  try {
    octokit = await app.auth(installationId);
  } catch (error) {
    throw gitHubError({ host: "github", call: `auth (installation ${installationId})` }, error);
  }
  return createGitHubHost({ octokit, botLogin: () => appBotLogin(app) });
}
