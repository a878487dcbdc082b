import type { Permission } from "../../config/schema.js";
import type { HostCall } from "../shared/host-error.js";
import type { BitbucketServerApi } from "./bitbucket-server-api.js";

/**
 * Bitbucket's repository permissions to Zakenak's scale, highest first. Bitbucket has no triage or maintain
 * level. The user search's permission filter answers with effective permissions: grants to the user or to
 * one of their groups, on the repository or its project, and the global ADMIN and SYS_ADMIN, which imply
 * REPO_ADMIN everywhere. So PROJECT_ADMIN counts as admin, PROJECT_WRITE as write, PROJECT_READ as read.
 *
 * | filter     | Zakenak |
 * | ---------- | ------- |
 * | REPO_ADMIN | admin   |
 * | REPO_WRITE | write   |
 * | REPO_READ  | read    |
 * | none found | none    |
 */
const LEVELS: readonly [grant: string, permission: Permission][] = [
  ["REPO_ADMIN", "admin"],
  ["REPO_WRITE", "write"],
  ["REPO_READ", "read"],
];

interface BitbucketServerUser {
  name: string;
  slug?: string;
}

/**
 * The permission `user` (a user name, as webhooks send `comment.author.name`) has on the repository, from
 * the highest level down. Any signed-in user may search users, so the bot's token needs no admin rights.
 */
export async function bitbucketServerPermission(
  api: BitbucketServerApi,
  call: HostCall,
  repository: { projectKey: string; slug: string },
  user: string,
): Promise<Permission> {
  const wanted = user.toLowerCase();
  // `filter` matches parts of user names, display names and e-mail addresses: only the exact name counts.
  const isUser = (u: BitbucketServerUser) => u.name.toLowerCase() === wanted;
  for (const [grant, permission] of LEVELS) {
    const found = await api.find<BitbucketServerUser>(call, "users", isUser, {
      filter: user,
      "permission.1": grant,
      "permission.1.projectKey": repository.projectKey,
      "permission.1.repositorySlug": repository.slug,
    });
    if (found) return permission;
  }
  return "none";
}
