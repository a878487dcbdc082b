import type { Permission } from "../../config/schema.js";

/**
 * Gitea's `permission` (GET /repos/{o}/{r}/collaborators/{user}/permission) to Zakenak's scale. Gitea has no
 * triage or maintain level; `owner` is the repository's owner (or an owner of its organization). The answer
 * already counts teams, organization ownership, site admins, and read access to public repositories.
 */
const permissions: Record<string, Permission> = {
  none: "none",
  read: "read",
  write: "write",
  admin: "admin",
  owner: "admin",
};

export function giteaPermission(permission: string | undefined): Permission {
  return (permission ? permissions[permission] : undefined) ?? "none";
}
