import { z } from "zod";
import { HOSTS } from "../hosts/host-registry.js";

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^([1-9]\d*)(s|m|h)$/;

/** Milliseconds of a duration such as `30s`, `5m` or `1h`; undefined when the text is not one. */
export function durationMs(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

const duration = z
  .string()
  .refine((s) => durationMs(s) !== undefined, 'must be a duration such as "30s", "5m" or "1h"');

/**
 * How the workers watch an environment for changes made behind Zakenak's back: at the top level of the
 * server configuration (every environment) and per granted environment (which wins key by key).
 */
export const driftSettingsSchema = z.strictObject({
  /** How often the deployed revision is compared with the cluster; `off`: never. Default 5m. */
  interval: z.union([z.literal("off"), duration]).optional(),
  /** Re-apply the deployed revision when the cluster drifted from it. Default false. */
  heal: z.boolean().optional(),
});

const hostKinds = HOSTS.map((h) => h.kind);

/** Polling for a repository whose host cannot reach the bot with webhooks. */
export const pollSettingsSchema = z.strictObject({
  /** How often the environments' branches and tags are read from the host. */
  interval: duration,
  /** Which configured host the repositories live on; needed only when several hosts are configured. */
  host: z
    .string()
    .refine((h) => hostKinds.includes(h as (typeof hostKinds)[number]), {
      message: `must be one of ${hostKinds.join(", ")}`,
    })
    .optional(),
});

export type DriftSettingsInput = z.infer<typeof driftSettingsSchema>;
export type PollSettings = z.infer<typeof pollSettingsSchema>;

/** Polling lists repositories by name: a glob in `match` names none that the bot could ask the host for. */
export function pollNeedsNames(
  entry: { match: string | string[]; poll?: PollSettings | undefined },
  ctx: z.RefinementCtx,
): void {
  if (!entry.poll) return;
  const names = typeof entry.match === "string" ? [entry.match] : entry.match;
  const glob = names.find((n) => n.includes("*"));
  if (glob !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["poll"],
      message: `polling needs repository names in match, not the glob "${glob}"`,
    });
  }
}
