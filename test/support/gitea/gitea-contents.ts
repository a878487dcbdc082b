import type { GiteaClient } from "./gitea-client.js";
import { filePath, type GiteaRepoRef, repoPath } from "./gitea-paths.js";

export interface GiteaFileChange {
  /** The commit that the change made. */
  commitSha: string;
  /** The blob of the file as written (undefined for a deletion). */
  contentSha: string | undefined;
}

function base64(content: string | Uint8Array): string {
  return Buffer.from(content).toString("base64");
}

function refQuery(ref: string | undefined): string {
  return ref === undefined ? "" : `?ref=${encodeURIComponent(ref)}`;
}

/** Files of a test Gitea's repositories, read and committed through the contents API. */
export class GiteaContents {
  constructor(private readonly client: GiteaClient) {}

  /** The blob SHA of a file on ref, or undefined when it does not exist there. */
  async fileSha({
    path,
    ref,
    ...repo
  }: GiteaRepoRef & { path: string; ref?: string }): Promise<string | undefined> {
    const response = await this.client.request(
      "GET",
      repoPath(repo, `contents/${filePath(path)}${refQuery(ref)}`),
      { expect: [200, 404] },
    );
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    const content = (await response.json()) as { sha?: string; type?: string };
    return content.type === "file" ? content.sha : undefined;
  }

  /**
   * Creates or updates one file in one commit. With newBranch, the commit goes on a new branch started
   * from branch (the default branch when omitted).
   */
  async putFile({
    path,
    content,
    branch,
    newBranch,
    message = `Write ${path}`,
    ...repo
  }: GiteaRepoRef & {
    path: string;
    content: string | Uint8Array;
    branch?: string;
    newBranch?: string;
    message?: string;
  }): Promise<GiteaFileChange> {
    // Updating needs the blob being replaced, and only an update may name one.
    const sha = await this.fileSha({ ...repo, path, ref: branch });
    const body = { content: base64(content), message, branch, new_branch: newBranch, sha };
    const result = await this.client.json<{ commit: { sha: string }; content: { sha: string } | null }>(
      sha === undefined ? "POST" : "PUT",
      repoPath(repo, `contents/${filePath(path)}`),
      body,
    );
    return { commitSha: result.commit.sha, contentSha: result.content?.sha };
  }

  /**
   * Writes several files (null deletes one) in a single commit, so a push carries them all at once. With
   * newBranch, the commit goes on a new branch started from branch.
   */
  async putFiles({
    files,
    branch,
    newBranch,
    message = "Write files",
    ...repo
  }: GiteaRepoRef & {
    files: Record<string, string | Uint8Array | null>;
    branch?: string;
    newBranch?: string;
    message?: string;
  }): Promise<{ commitSha: string }> {
    const operations = await Promise.all(
      Object.entries(files).map(async ([path, content]) => {
        if (content !== null) return { operation: "upload", path, content: base64(content) };
        const sha = await this.fileSha({ ...repo, path, ref: branch });
        return { operation: "delete", path, sha };
      }),
    );
    const result = await this.client.json<{ commit: { sha: string } }>("POST", repoPath(repo, "contents"), {
      files: operations,
      message,
      branch,
      new_branch: newBranch,
    });
    return { commitSha: result.commit.sha };
  }

  /** Reads a file's text on ref (the default branch when omitted). */
  async readFile({ path, ref, ...repo }: GiteaRepoRef & { path: string; ref?: string }): Promise<string> {
    const response = await this.client.request(
      "GET",
      repoPath(repo, `raw/${filePath(path)}${refQuery(ref)}`),
    );
    return response.text();
  }
}
