import type { Permission } from "../../config/schema.js";
import { ZakenakError } from "../../errors.js";
import type { RepoRef } from "../host-event.js";
import { accountQuery } from "./bitbucket-cloud-account.js";
import type { BitbucketCloudApi } from "./bitbucket-cloud-api.js";

/** Bitbucket's repository permissions; it has no triage or maintain level. */
const permissions: Record<string, Permission> = { read: "read", write: "write", admin: "admin" };

/**
 * A user's effective permission on a repository (direct, through groups, projects or workspace
 * administration) from `GET /workspaces/{ws}/permissions/repositories/{slug}?q=user.account_id="…"`.
 * Bitbucket answers it only to a repository admin, so a 403 says what the token lacks.
 */
export async function bitbucketCloudPermission(
  api: BitbucketCloudApi,
  repo: RepoRef,
  user: string,
): Promise<Permission> {
  const q = accountQuery(user);
  if (q === undefined) return "none";
  const [workspace = "", slug = ""] = repo.fullName.split("/");
  const path = `workspaces/${encodeURIComponent(workspace)}/permissions/repositories/${encodeURIComponent(slug)}`;
  try {
    const answer = await api.json<{ values?: { permission?: string }[] }>(
      { host: "bitbucket", call: "getPermission", repo },
      path,
      { query: { q } },
    );
    let best: Permission = "none";
    const order: Permission[] = ["none", "read", "write", "admin"];
    for (const value of answer.values ?? []) {
      const found = permissions[value.permission ?? ""] ?? "none";
      if (order.indexOf(found) > order.indexOf(best)) best = found;
    }
    return best;
  } catch (error) {
    if (error instanceof ZakenakError && error.code === "forbidden") {
      throw new ZakenakError(
        "forbidden",
        `${error.message} — Bitbucket Cloud shows users' permissions only to a repository admin: give the ` +
          `bot's account (or access token) admin on ${repo.fullName} and the repository admin scope`,
      );
    }
    throw error;
  }
}
