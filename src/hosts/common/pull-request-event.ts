import { z } from "zod";
import type { RepoRef } from "../host-event.js";
import { ignored, type ParseResult } from "./parse-result.js";

/** The fields the bot reads from a GitHub-shaped `pull_request` payload (GitHub's and Gitea's). */
export const pullRequestFields = {
  action: z.string(),
  number: z.number(),
  pull_request: z.object({
    merged: z.boolean().nullish(),
    head: z.object({ sha: z.string(), ref: z.string() }),
    base: z.object({ ref: z.string() }),
  }),
  sender: z.object({ login: z.string() }),
};

type PullRequestFields = z.infer<z.ZodObject<typeof pullRequestFields>>;

/**
 * A GitHub-shaped `pull_request` payload → host-neutral event. `updatedAction` is the host's name for
 * "new commits were pushed to the head branch".
 */
export function pullRequestEvent(p: PullRequestFields, repo: RepoRef, updatedAction: string): ParseResult {
  const base = {
    repo,
    number: p.number,
    headSha: p.pull_request.head.sha,
    headBranch: p.pull_request.head.ref,
    baseBranch: p.pull_request.base.ref,
    sender: p.sender.login,
  };
  switch (p.action) {
    case "opened":
    case "reopened":
      // A reopened pull request needs a fresh plan exactly like a new one.
      return { type: "pr-opened", ...base };
    case updatedAction:
      return { type: "pr-updated", ...base };
    case "closed":
      return { type: "pr-closed", merged: p.pull_request.merged === true, ...base };
    default:
      return ignored(`pull_request action "${p.action}"`);
  }
}
