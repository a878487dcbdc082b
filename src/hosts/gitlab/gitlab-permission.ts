import type { Permission } from "../../config/schema.js";

/**
 * GitLab `access_level` (GET /projects/:id/members/all/:user_id) to Zakenak's scale, highest first; a level
 * maps to the first row it reaches, so levels GitLab adds later land between their neighbours.
 *
 * | access_level | GitLab role     | Zakenak  |
 * | ------------ | --------------- | -------- |
 * | 50 (and 60)  | Owner (Admin)   | admin    |
 * | 40           | Maintainer      | maintain |
 * | 30           | Developer       | write    |
 * | 20           | Reporter        | triage   |
 * | 10, 15       | Guest, Planner  | read     |
 * | 0, 5         | none, Minimal   | none     |
 * | not a member | (404)           | none     |
 *
 * Reporter is triage because it can label and manage issues and MRs but not push; Guest and Planner can
 * see the project and comment, which is what `read` allows.
 */
const levels: [minimum: number, permission: Permission][] = [
  [50, "admin"],
  [40, "maintain"],
  [30, "write"],
  [20, "triage"],
  [10, "read"],
];

export function gitLabPermission(accessLevel: number): Permission {
  for (const [minimum, permission] of levels) if (accessLevel >= minimum) return permission;
  return "none";
}
