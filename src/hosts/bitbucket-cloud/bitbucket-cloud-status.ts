import { createHash } from "node:crypto";
import type { CommitState, CommitStatus } from "../git-host.js";

/** Bitbucket's build states; `STOPPED` means a person stopped a build, which the bot never reports. */
const states: Record<CommitState, "INPROGRESS" | "SUCCESSFUL" | "FAILED"> = {
  pending: "INPROGRESS",
  success: "SUCCESSFUL",
  failure: "FAILED",
  error: "FAILED",
};

/** Bitbucket's limit on a status key, the identity a later status of the same key replaces. */
export const BITBUCKET_STATUS_KEY_LIMIT = 40;

/**
 * A status key: the context when it fits, else its start and a hash of the whole, so two long contexts
 * never share a key and the same context always maps to the same one.
 */
export function statusKey(context: string): string {
  if (context.length <= BITBUCKET_STATUS_KEY_LIMIT) return context;
  const digest = createHash("sha256").update(context).digest("hex").slice(0, 10);
  return `${context.slice(0, BITBUCKET_STATUS_KEY_LIMIT - 11)}~${digest}`;
}

/**
 * The body of `POST …/commit/{sha}/statuses/build`, which creates the status or replaces the one with the
 * same key. Bitbucket requires a `url`: the status's own link when the caller has one, else the commit's
 * page on Bitbucket (the bot serves no page of its own).
 */
export function statusBody(status: CommitStatus, commitUrl: string) {
  return {
    key: statusKey(status.context),
    name: status.context,
    state: states[status.state],
    description: status.description,
    url: status.targetUrl ?? commitUrl,
  };
}
