import { GiteaClient } from "./gitea-client.js";
import { GiteaComments } from "./gitea-comments.js";
import { GiteaCommitStatuses } from "./gitea-commit-statuses.js";
import { GiteaContents } from "./gitea-contents.js";
import { GiteaPullRequests } from "./gitea-pull-requests.js";
import { GiteaRepos } from "./gitea-repos.js";
import { GiteaUsers } from "./gitea-users.js";
import { GiteaWebhooks } from "./gitea-webhooks.js";

/**
 * Every helper over a test Gitea's REST API in one object, acting as the owner of `token`, for tests that
 * pass one handle around. Use `as(user)` to act as someone else, e.g. a collaborator made with createUser().
 * The methods are those of the resource classes (GiteaUsers, GiteaRepos, ...), documented there.
 */
export class GiteaFixture extends GiteaClient {
  readonly #users = new GiteaUsers(this);
  readonly #repos = new GiteaRepos(this);
  readonly #contents = new GiteaContents(this);
  readonly #pulls = new GiteaPullRequests(this);
  readonly #comments = new GiteaComments(this);
  readonly #statuses = new GiteaCommitStatuses(this);
  readonly #webhooks = new GiteaWebhooks(this);

  readonly createUser = this.#users.create.bind(this.#users);

  readonly createRepo = this.#repos.create.bind(this.#repos);
  readonly createBranch = this.#repos.createBranch.bind(this.#repos);
  readonly getBranch = this.#repos.getBranch.bind(this.#repos);
  readonly addCollaborator = this.#repos.addCollaborator.bind(this.#repos);
  readonly collaboratorPermission = this.#repos.collaboratorPermission.bind(this.#repos);
  readonly archive = this.#repos.archive.bind(this.#repos);

  readonly fileSha = this.#contents.fileSha.bind(this.#contents);
  readonly putFile = this.#contents.putFile.bind(this.#contents);
  readonly putFiles = this.#contents.putFiles.bind(this.#contents);
  readonly readFile = this.#contents.readFile.bind(this.#contents);

  readonly openPullRequest = this.#pulls.open.bind(this.#pulls);
  readonly getPullRequest = this.#pulls.get.bind(this.#pulls);
  readonly mergePullRequest = this.#pulls.merge.bind(this.#pulls);

  readonly comment = this.#comments.create.bind(this.#comments);
  readonly listComments = this.#comments.list.bind(this.#comments);

  readonly commitStatuses = this.#statuses.list.bind(this.#statuses);
  readonly combinedStatus = this.#statuses.combined.bind(this.#statuses);
  readonly createCommitStatus = this.#statuses.create.bind(this.#statuses);

  readonly createWebhook = this.#webhooks.create.bind(this.#webhooks);

  /** The same server, acting as the owner of another token. */
  as(tokenOrUser: string | { token: string }): GiteaFixture {
    return new GiteaFixture(this.url, typeof tokenOrUser === "string" ? tokenOrUser : tokenOrUser.token);
  }
}
