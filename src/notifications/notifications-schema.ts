import { z } from "zod";
import { NOTIFICATION_KINDS } from "./notification-event.js";

export const TARGET_TYPES = ["slack", "teams", "webhook"] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envName = z.string().regex(ENV_NAME, "must be an environment variable name");
const filePath = z.string().min(1);

/**
 * One receiver. Its URL (which holds the token of Slack and Teams webhooks) and its signing secret are
 * named here, never written here: they come from an environment variable or a file.
 */
const target = z
  .strictObject({
    type: z.enum(TARGET_TYPES),
    urlEnv: envName.optional(),
    urlFile: filePath.optional(),
    /** The HMAC-SHA256 key of a `webhook` target's `X-Zakenak-Signature`. */
    secretEnv: envName.optional(),
    secretFile: filePath.optional(),
    /** How long one delivery may take before it counts as failed (and is retried). */
    timeoutSeconds: z.number().positive().max(120).default(10),
  })
  .superRefine((t, ctx) => {
    const urls = [t.urlEnv, t.urlFile].filter((v) => v !== undefined).length;
    if (urls !== 1) ctx.addIssue({ code: "custom", message: "needs exactly one of urlEnv and urlFile" });
    const secrets = [t.secretEnv, t.secretFile].filter((v) => v !== undefined).length;
    if (t.type === "webhook" && secrets !== 1) {
      ctx.addIssue({
        code: "custom",
        message: "a webhook target needs exactly one of secretEnv and secretFile",
      });
    }
    if (t.type !== "webhook" && secrets > 0) {
      ctx.addIssue({
        code: "custom",
        message: `a ${t.type} target is not signed: secretEnv/secretFile apply to webhook targets only`,
      });
    }
  });

const route = z.strictObject({
  /** `owner/name` globs as in `repositories[].match`; unset: every repository. */
  repositories: z.array(z.string().min(1)).min(1).optional(),
  /** Environment names; unset: every environment. */
  environments: z.array(z.string().min(1)).min(1).optional(),
  /** Event kinds; unset: every kind. */
  events: z.array(z.enum(NOTIFICATION_KINDS)).min(1).optional(),
  targets: z.array(z.string().min(1)).min(1),
});

const retry = z.strictObject({
  /** Tries per notification and target, the first included. */
  attempts: z.number().int().min(1).max(20).default(5),
  /** Ceiling of the first retry's delay; each further one doubles it (with jitter, at most 5 minutes). */
  delaySeconds: z.number().positive().max(300).default(10),
});

/** The top-level `notifications` key of the server configuration. */
export const notificationsSchema = z
  .strictObject({
    targets: z.record(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/), target).default({}),
    routes: z.array(route).default([]),
    retry: retry.default({ attempts: 5, delaySeconds: 10 }),
  })
  .superRefine((n, ctx) => {
    n.routes.forEach((r, i) => {
      r.targets.forEach((name, j) => {
        if (!(name in n.targets)) {
          const known = Object.keys(n.targets).join(", ") || "none";
          ctx.addIssue({
            code: "custom",
            path: ["routes", i, "targets", j],
            message: `unknown target "${name}" (targets: ${known})`,
          });
        }
      });
    });
  });

export type NotificationsConfig = z.infer<typeof notificationsSchema>;
export type NotificationTargetConfig = NotificationsConfig["targets"][string];
export type NotificationRoute = NotificationsConfig["routes"][number];
