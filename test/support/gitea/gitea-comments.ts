import type { GiteaClient } from "./gitea-client.js";
import { type GiteaRepoRef, repoPath } from "./gitea-paths.js";

/** The parts of Gitea's comment the tests use; the responses carry many more fields. */
export interface GiteaComment {
  id: number;
  body: string;
  user: { login: string };
  html_url: string;
  issue_url: string;
  pull_request_url: string;
}

/** Comments on a test Gitea's issues and pull requests: they share numbers and the issues API. */
export class GiteaComments {
  constructor(private readonly client: GiteaClient) {}

  async create({
    number,
    body,
    ...repo
  }: GiteaRepoRef & { number: number; body: string }): Promise<GiteaComment> {
    return this.client.json<GiteaComment>("POST", repoPath(repo, `issues/${number}/comments`), { body });
  }

  async list({ number, ...repo }: GiteaRepoRef & { number: number }): Promise<GiteaComment[]> {
    return this.client.json<GiteaComment[]>("GET", repoPath(repo, `issues/${number}/comments`));
  }
}
