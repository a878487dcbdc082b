import { z } from "zod";
import type { HostEvent } from "../host-event.js";
import { readPayload } from "./parse-result.js";

// What workers read from an event without checking again: names are never blank, numbers are real ids.
const name = z.string().trim().min(1, "must not be empty");
const id = z.number().int().positive();
const repo = z.object({
  host: z.enum(["github", "gitlab", "gitea", "bitbucket", "bitbucket-server", "azure-devops"]),
  fullName: name,
  id: z.string().optional(),
  installationId: z.number().int().optional(),
  defaultBranch: name.optional(),
});
const pullRequest = {
  repo,
  number: id,
  headSha: name,
  headBranch: name,
  baseBranch: name,
  sender: z.string(),
};
const hostEvent = z.discriminatedUnion("type", [
  z.object({ type: z.enum(["pr-opened", "pr-updated"]), ...pullRequest }),
  z.object({ type: z.literal("pr-closed"), merged: z.boolean(), ...pullRequest }),
  z
    .object({
      type: z.literal("push"),
      repo,
      ref: name,
      refType: z.enum(["branch", "tag"]),
      refName: name,
      after: z.string(),
      deleted: z.boolean(),
      pusher: z.string(),
    })
    .refine((e) => e.ref === `refs/${e.refType === "tag" ? "tags" : "heads"}/${e.refName}`, {
      path: ["refName"],
      message: "does not match ref",
    })
    .refine((e) => e.deleted || e.after.trim() !== "", { path: ["after"], message: "must not be empty" }),
  z.object({
    type: z.literal("comment"),
    repo,
    number: id,
    commentId: name,
    body: z.string(),
    author: z.string(),
    authorIsBot: z.boolean(),
  }),
]);

/**
 * Checks a normalized event before it is queued: a payload that passed a host's schema but leaves a field
 * blank (an empty repository name, a ref that is only `refs/heads/`) is as bad as one without the field,
 * and gets the same `invalid` error (400) naming the field.
 */
export function requireWholeEvent(event: HostEvent, what: string): HostEvent {
  readPayload(hostEvent, event, `${what} (normalized)`);
  return event;
}
