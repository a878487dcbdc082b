import type { Permission } from "../../config/schema.js";

/**
 * GitHub's answer from GET /repos/{o}/{r}/collaborators/{user}/permission, normalized. `role_name` is the
 * finer one (it knows triage and maintain); `permission` folds maintain into write and triage into read.
 * Custom repository roles have their own names in `role_name`, so those fall back to `permission`.
 */
const byRoleName: Record<string, Permission> = {
  admin: "admin",
  maintain: "maintain",
  write: "write",
  triage: "triage",
  read: "read",
};

const byPermission: Record<string, Permission> = {
  admin: "admin",
  maintain: "maintain",
  write: "write",
  triage: "triage",
  read: "read",
  none: "none",
};

export function gitHubPermission(roleName: string | undefined, permission: string | undefined): Permission {
  const fromRole = roleName ? byRoleName[roleName] : undefined;
  return fromRole ?? (permission ? byPermission[permission] : undefined) ?? "none";
}
