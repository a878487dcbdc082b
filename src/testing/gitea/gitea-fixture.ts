import { randomBytes } from "node:crypto";
import { waitUntil } from "../../control-plane/wait-until.js";

/** The parts of Gitea's API objects the tests use; the responses carry many more fields. */
export interface GiteaUser {
  id: number;
  username: string;
  password: string;
  email: string;
  /** An access token of this user with scope "all". */
  token: string;
}

export interface GiteaRepo {
  id: number;
  name: string;
  full_name: string;
  owner: { login: string };
  default_branch: string;
  clone_url: string;
  html_url: string;
  private: boolean;
}

export interface GiteaFileChange {
  /** The commit that the change made. */
  commitSha: string;
  /** The blob of the file as written (undefined for a deletion). */
  contentSha: string | undefined;
}

export interface GiteaBranch {
  name: string;
  commit: { id: string; message: string };
}

export interface GiteaPermission {
  /** "none", "read", "write", "admin" or "owner". */
  permission: string;
  role_name: string;
  user: { login: string };
}

export interface GiteaHook {
  id: number;
  type: string;
  active: boolean;
  events: string[];
  config: Record<string, string>;
}

export interface GiteaPullRequest {
  id: number;
  number: number;
  state: "open" | "closed";
  title: string;
  body: string;
  merged: boolean;
  mergeable: boolean;
  merge_commit_sha: string | null;
  html_url: string;
  head: { ref: string; sha: string };
  base: { ref: string; sha: string };
}

export interface GiteaComment {
  id: number;
  body: string;
  user: { login: string };
  html_url: string;
  issue_url: string;
  pull_request_url: string;
}

export type GiteaCommitState = "pending" | "success" | "error" | "failure" | "warning";

export interface GiteaCommitStatus {
  id: number;
  status: GiteaCommitState;
  context: string;
  description: string;
  target_url: string;
  creator: { login: string };
}

export interface GiteaCombinedStatus {
  state: GiteaCommitState | "";
  sha: string;
  total_count: number;
  statuses: GiteaCommitStatus[] | null;
}

/** Repository-level events a webhook can subscribe to; "pull_request" includes its comments and reviews. */
export const defaultWebhookEvents = ["push", "pull_request", "issue_comment", "create", "delete", "status"];

/** A response with a status the caller did not expect, with Gitea's own message. */
export class GiteaApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path}: ${status} ${body.slice(0, 500)}`);
    this.name = "GiteaApiError";
  }
}

interface RepoRef {
  owner: string;
  repo: string;
}

function pathOf(...segments: (string | number)[]): string {
  return segments.map((segment) => encodeURIComponent(String(segment))).join("/");
}

/** A file path in a repository: its slashes stay, everything else in a segment is escaped. */
function filePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function base64(content: string | Uint8Array): string {
  return Buffer.from(content).toString("base64");
}

/**
 * Small helpers over Gitea's REST API for tests, acting as the owner of `token`. Use `as(token)` to act as
 * someone else, e.g. a collaborator created with createUser().
 */
export class GiteaFixture {
  readonly url: string;
  readonly token: string;

  constructor(url: string, token: string) {
    this.url = url.endsWith("/") ? url : `${url}/`;
    this.token = token;
  }

  /** The same server, acting as the owner of another token. */
  as(tokenOrUser: string | { token: string }): GiteaFixture {
    return new GiteaFixture(this.url, typeof tokenOrUser === "string" ? tokenOrUser : tokenOrUser.token);
  }

  /** A raw API call; path is relative to /api/v1/. Throws GiteaApiError unless the status is in `expect`. */
  async request(
    method: string,
    path: string,
    { body, expect = [200, 201, 204], auth }: { body?: unknown; expect?: number[]; auth?: string } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {
      Authorization: auth ?? `token ${this.token}`,
      Accept: "application/json",
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(new URL(`api/v1/${path}`, this.url), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!expect.includes(response.status)) {
      throw new GiteaApiError(method, path, response.status, await response.text());
    }
    return response;
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.request(method, path, { body });
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async version(): Promise<string> {
    return (await this.json<{ version: string }>("GET", "version")).version;
  }

  /** A user (needs an admin token) with a known password and an access token of their own. */
  async createUser({
    username = `user-${randomBytes(4).toString("hex")}`,
    password = randomBytes(18).toString("base64url"),
    email = `${username}@example.com`,
    admin = false,
  }: {
    username?: string;
    password?: string;
    email?: string;
    admin?: boolean;
  } = {}): Promise<GiteaUser> {
    const created = await this.json<{ id: number }>("POST", "admin/users", {
      username,
      email,
      password,
      // Defaults to true for users an admin creates, which would block the API for them.
      must_change_password: false,
      send_notify: false,
    });
    if (admin)
      await this.json("PATCH", `admin/users/${pathOf(username)}`, { admin: true, login_name: username });
    // Tokens can only be made with a password (basic auth), so the user makes their own.
    const response = await this.request("POST", `users/${pathOf(username)}/tokens`, {
      auth: `Basic ${base64(`${username}:${password}`)}`,
      body: { name: `zakenak-${randomBytes(4).toString("hex")}`, scopes: ["all"] },
      expect: [201],
    });
    const { sha1 } = (await response.json()) as { sha1: string };
    return { id: created.id, username, password, email, token: sha1 };
  }

  /**
   * A repository with an initial commit on defaultBranch (auto_init), owned by the token's user, or by
   * `owner` (a user other than the token's, which needs an admin token).
   */
  async createRepo({
    name = `repo-${randomBytes(4).toString("hex")}`,
    owner,
    private: isPrivate = false,
    defaultBranch = "main",
    autoInit = true,
    description = "",
  }: {
    name?: string;
    owner?: string;
    private?: boolean;
    defaultBranch?: string;
    autoInit?: boolean;
    description?: string;
  } = {}): Promise<GiteaRepo> {
    const body = {
      name,
      private: isPrivate,
      auto_init: autoInit,
      default_branch: defaultBranch,
      description,
      readme: autoInit ? "Default" : undefined,
    };
    if (owner === undefined) return this.json<GiteaRepo>("POST", "user/repos", body);
    return this.json<GiteaRepo>("POST", `admin/users/${pathOf(owner)}/repos`, body);
  }

  /** The blob SHA of a file on ref, or undefined when it does not exist there. */
  async fileSha({ owner, repo, path, ref }: RepoRef & { path: string; ref?: string }) {
    const query = ref === undefined ? "" : `?ref=${encodeURIComponent(ref)}`;
    const response = await this.request(
      "GET",
      `repos/${pathOf(owner, repo)}/contents/${filePath(path)}${query}`,
      {
        expect: [200, 404],
      },
    );
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    const content = (await response.json()) as { sha?: string; type?: string };
    return content.type === "file" ? content.sha : undefined;
  }

  /**
   * Creates or updates one file in one commit through the contents API. With newBranch, the commit goes on
   * a new branch started from branch (the default branch when omitted).
   */
  async putFile({
    owner,
    repo,
    path,
    content,
    branch,
    newBranch,
    message = `Write ${path}`,
  }: RepoRef & {
    path: string;
    content: string | Uint8Array;
    branch?: string;
    newBranch?: string;
    message?: string;
  }): Promise<GiteaFileChange> {
    const sha = await this.fileSha({ owner, repo, path, ref: branch });
    const body = { content: base64(content), message, branch, new_branch: newBranch, sha };
    const result = await this.json<{ commit: { sha: string }; content: { sha: string } | null }>(
      sha === undefined ? "POST" : "PUT",
      `repos/${pathOf(owner, repo)}/contents/${filePath(path)}`,
      body,
    );
    return { commitSha: result.commit.sha, contentSha: result.content?.sha };
  }

  /**
   * Writes several files (null deletes one) in a single commit, so a push carries them all at once. With
   * newBranch, the commit goes on a new branch started from branch.
   */
  async putFiles({
    owner,
    repo,
    files,
    branch,
    newBranch,
    message = "Write files",
  }: RepoRef & {
    files: Record<string, string | Uint8Array | null>;
    branch?: string;
    newBranch?: string;
    message?: string;
  }): Promise<{ commitSha: string }> {
    const operations = await Promise.all(
      Object.entries(files).map(async ([path, content]) => {
        if (content !== null) return { operation: "upload", path, content: base64(content) };
        const sha = await this.fileSha({ owner, repo, path, ref: branch });
        return { operation: "delete", path, sha };
      }),
    );
    const result = await this.json<{ commit: { sha: string } }>(
      "POST",
      `repos/${pathOf(owner, repo)}/contents`,
      {
        files: operations,
        message,
        branch,
        new_branch: newBranch,
      },
    );
    return { commitSha: result.commit.sha };
  }

  /** Reads a file's text on ref (the default branch when omitted). */
  async readFile({ owner, repo, path, ref }: RepoRef & { path: string; ref?: string }): Promise<string> {
    const query = ref === undefined ? "" : `?ref=${encodeURIComponent(ref)}`;
    const response = await this.request("GET", `repos/${pathOf(owner, repo)}/raw/${filePath(path)}${query}`);
    return response.text();
  }

  async createBranch({
    owner,
    repo,
    name,
    from,
  }: RepoRef & { name: string; from?: string }): Promise<GiteaBranch> {
    return this.json<GiteaBranch>("POST", `repos/${pathOf(owner, repo)}/branches`, {
      new_branch_name: name,
      old_ref_name: from,
    });
  }

  async getBranch({ owner, repo, name }: RepoRef & { name: string }): Promise<GiteaBranch> {
    return this.json<GiteaBranch>("GET", `repos/${pathOf(owner, repo)}/branches/${filePath(name)}`);
  }

  async addCollaborator({
    owner,
    repo,
    user,
    permission = "write",
  }: RepoRef & { user: string; permission?: "read" | "write" | "admin" }): Promise<void> {
    await this.request("PUT", `repos/${pathOf(owner, repo)}/collaborators/${pathOf(user)}`, {
      body: { permission },
    });
  }

  async collaboratorPermission({ owner, repo, user }: RepoRef & { user: string }): Promise<GiteaPermission> {
    return this.json<GiteaPermission>(
      "GET",
      `repos/${pathOf(owner, repo)}/collaborators/${pathOf(user)}/permission`,
    );
  }

  /** A Gitea-type webhook posting JSON signed with secret (X-Gitea-Signature). */
  async createWebhook({
    owner,
    repo,
    url,
    secret,
    events = defaultWebhookEvents,
    branchFilter = "*",
  }: RepoRef & {
    url: string;
    secret: string;
    events?: string[];
    branchFilter?: string;
  }): Promise<GiteaHook> {
    return this.json<GiteaHook>("POST", `repos/${pathOf(owner, repo)}/hooks`, {
      type: "gitea",
      config: { url, content_type: "json", secret },
      events,
      branch_filter: branchFilter,
      active: true,
    });
  }

  async openPullRequest({
    owner,
    repo,
    head,
    base,
    title = `Merge ${head} into ${base}`,
    body = "",
  }: RepoRef & { head: string; base: string; title?: string; body?: string }): Promise<GiteaPullRequest> {
    return this.json<GiteaPullRequest>("POST", `repos/${pathOf(owner, repo)}/pulls`, {
      head,
      base,
      title,
      body,
    });
  }

  async getPullRequest({ owner, repo, number }: RepoRef & { number: number }): Promise<GiteaPullRequest> {
    return this.json<GiteaPullRequest>("GET", `repos/${pathOf(owner, repo)}/pulls/${number}`);
  }

  /**
   * Merges a pull request. Gitea checks mergeability in the background after a PR opens or its branches
   * move, and answers 405 "Please try again later" until then, so that answer is retried until timeoutMs.
   */
  async mergePullRequest({
    owner,
    repo,
    number,
    style = "merge",
    message,
    deleteBranch = false,
    timeoutMs = 30_000,
  }: RepoRef & {
    number: number;
    style?: "merge" | "rebase" | "rebase-merge" | "squash" | "fast-forward-only";
    message?: string;
    deleteBranch?: boolean;
    timeoutMs?: number;
  }): Promise<void> {
    const path = `repos/${pathOf(owner, repo)}/pulls/${number}/merge`;
    const body = { Do: style, merge_message_field: message, delete_branch_after_merge: deleteBranch };
    let last = "";
    await waitUntil(
      async () => {
        const response = await this.request("POST", path, { body, expect: [200, 204, 405] });
        const text = await response.text();
        if (response.status !== 405) return true;
        if (!text.includes("try again later")) throw new GiteaApiError("POST", path, response.status, text);
        last = text;
        return undefined;
      },
      { timeoutMs, intervalMs: 200, what: `pull request ${number} to become mergeable`, detail: () => last },
    );
  }

  /** A comment on an issue or pull request (they share numbers and the issues API). */
  async comment({
    owner,
    repo,
    number,
    body,
  }: RepoRef & { number: number; body: string }): Promise<GiteaComment> {
    return this.json<GiteaComment>("POST", `repos/${pathOf(owner, repo)}/issues/${number}/comments`, {
      body,
    });
  }

  async listComments({ owner, repo, number }: RepoRef & { number: number }): Promise<GiteaComment[]> {
    return this.json<GiteaComment[]>("GET", `repos/${pathOf(owner, repo)}/issues/${number}/comments`);
  }

  /** Statuses of ref (a SHA, branch or tag), newest first. */
  async commitStatuses({ owner, repo, ref }: RepoRef & { ref: string }): Promise<GiteaCommitStatus[]> {
    return this.json<GiteaCommitStatus[]>(
      "GET",
      `repos/${pathOf(owner, repo)}/commits/${filePath(ref)}/statuses`,
    );
  }

  async combinedStatus({ owner, repo, ref }: RepoRef & { ref: string }): Promise<GiteaCombinedStatus> {
    return this.json<GiteaCombinedStatus>(
      "GET",
      `repos/${pathOf(owner, repo)}/commits/${filePath(ref)}/status`,
    );
  }

  async createCommitStatus({
    owner,
    repo,
    sha,
    state,
    context,
    description = "",
    targetUrl,
  }: RepoRef & {
    sha: string;
    state: GiteaCommitState;
    context: string;
    description?: string;
    targetUrl?: string;
  }): Promise<GiteaCommitStatus> {
    return this.json<GiteaCommitStatus>("POST", `repos/${pathOf(owner, repo)}/statuses/${pathOf(sha)}`, {
      state,
      context,
      description,
      target_url: targetUrl,
    });
  }

  /** The repository at ref as Gitea serves it for download. */
  async archive({
    owner,
    repo,
    ref,
    format = "tar.gz",
  }: RepoRef & { ref: string; format?: "tar.gz" | "zip" | "bundle" }): Promise<Buffer> {
    const response = await this.request(
      "GET",
      `repos/${pathOf(owner, repo)}/archive/${filePath(ref)}.${format}`,
      {
        expect: [200],
      },
    );
    return Buffer.from(await response.arrayBuffer());
  }
}
