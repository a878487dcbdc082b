import { randomBytes } from "node:crypto";
import type { GiteaClient } from "./gitea-client.js";
import { filePath, type GiteaRepoRef, repoPath } from "./gitea-paths.js";

/** The parts of Gitea's API objects the tests use; the responses carry many more fields. */
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

/** Repositories of a test Gitea with their branches, collaborators and archives. */
export class GiteaRepos {
  constructor(private readonly client: GiteaClient) {}

  /**
   * A repository with an initial commit on defaultBranch (auto_init), owned by the client's user, or by
   * `owner` (a user other than the client's, which needs an admin's client).
   */
  async create({
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
    if (owner === undefined) return this.client.json<GiteaRepo>("POST", "user/repos", body);
    return this.client.json<GiteaRepo>("POST", `admin/users/${encodeURIComponent(owner)}/repos`, body);
  }

  async createBranch({
    name,
    from,
    ...repo
  }: GiteaRepoRef & { name: string; from?: string }): Promise<GiteaBranch> {
    return this.client.json<GiteaBranch>("POST", repoPath(repo, "branches"), {
      new_branch_name: name,
      old_ref_name: from,
    });
  }

  async getBranch({ name, ...repo }: GiteaRepoRef & { name: string }): Promise<GiteaBranch> {
    return this.client.json<GiteaBranch>("GET", repoPath(repo, `branches/${filePath(name)}`));
  }

  async addCollaborator({
    user,
    permission = "write",
    ...repo
  }: GiteaRepoRef & { user: string; permission?: "read" | "write" | "admin" }): Promise<void> {
    await this.client.request("PUT", repoPath(repo, `collaborators/${encodeURIComponent(user)}`), {
      body: { permission },
    });
  }

  async collaboratorPermission({ user, ...repo }: GiteaRepoRef & { user: string }): Promise<GiteaPermission> {
    const path = repoPath(repo, `collaborators/${encodeURIComponent(user)}/permission`);
    return this.client.json<GiteaPermission>("GET", path);
  }

  /** The repository at ref as Gitea serves it for download. */
  async archive({
    ref,
    format = "tar.gz",
    ...repo
  }: GiteaRepoRef & { ref: string; format?: "tar.gz" | "zip" | "bundle" }): Promise<Buffer> {
    const path = repoPath(repo, `archive/${filePath(ref)}.${format}`);
    const response = await this.client.request("GET", path, { expect: [200] });
    return Buffer.from(await response.arrayBuffer());
  }
}
