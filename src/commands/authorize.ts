import { PERMISSIONS, type Permission } from "../config/schema.js";
import type { CommandName } from "./parse-command.js";

/** The minimum permission a command needs, from `policy` on the default branch. */
export function requiredPermission(
  command: CommandName,
  policy: Record<"plan" | "rollback" | "unlock", Permission>,
): Permission {
  switch (command) {
    case "rollback":
      return policy.rollback;
    case "unlock":
      return policy.unlock;
    case "plan":
    case "history":
      // Both only show what Git and the cluster already hold: the plan level covers them.
      return policy.plan;
    case "help":
      return "none";
  }
}

export function atLeast(have: Permission, need: Permission): boolean {
  return PERMISSIONS.indexOf(have) >= PERMISSIONS.indexOf(need);
}

/** The refusal: which permission the command needs and which the user has. */
export function refusalMessage(
  user: string,
  command: CommandName,
  need: Permission,
  have: Permission,
): string {
  return `@${user}, \`/${command}\` needs **${need}** permission on this repository; you have **${have}**.`;
}
