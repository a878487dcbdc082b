import { createHash } from "node:crypto";
import type { Delivery, RepoRef } from "../hosts/host-event.js";
import { splitRef } from "../hosts/shared/split-ref.js";

/** Whom a polled push is attributed to in the history and the audit log: the pusher is not known. */
export const POLL_ACTOR = "zakenak-poll";

const POLL_ID_PREFIX = "poll-";

/**
 * A stable delivery id per repository, ref and commit: every poll that sees the same push makes the
 * same job, which the queue then drops as a redelivery.
 */
export function pollDeliveryId(repo: Pick<RepoRef, "host" | "fullName">, ref: string, sha: string): string {
  const digest = createHash("sha256").update(`${repo.host}\n${repo.fullName}\n${ref}\n${sha}`).digest("hex");
  return `${POLL_ID_PREFIX}${digest.slice(0, 40)}`;
}

/** Whether a queue job id is that of a polled push (`<host>.poll-…`) rather than a webhook's. */
export function isPollJobId(jobId: string): boolean {
  return jobId.slice(jobId.indexOf(".") + 1).startsWith(POLL_ID_PREFIX);
}

/** The push a webhook would have sent for `ref` now pointing at `sha`. */
export function pollDelivery(repo: RepoRef, ref: string, sha: string): Delivery {
  const { kind, name } = splitRef(ref);
  return {
    id: pollDeliveryId(repo, ref, sha),
    host: repo.host,
    event: {
      type: "push",
      repo,
      ref,
      refType: kind,
      refName: name,
      after: sha,
      deleted: false,
      pusher: POLL_ACTOR,
    },
  };
}
