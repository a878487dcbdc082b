import type { IntakeDeps } from "../../server/settle-delivery.js";
import { ignored, isIgnored, type ParseResult } from "../common/parse-result.js";
import type { HostCall } from "../shared/host-error.js";
import type { BitbucketCloudApi } from "./bitbucket-cloud-api.js";
import type { PullRequestHeads } from "./bitbucket-cloud-pr-heads.js";
import type { BitbucketParsed } from "./parse-bitbucket-cloud-event.js";
import { resolveBitbucketCommit } from "./resolve-bitbucket-cloud-commit.js";

/** What the Bitbucket Cloud intake route works with. */
export interface Intake {
  deps: IntakeDeps;
  api: BitbucketCloudApi;
  heads: PullRequestHeads;
}

/**
 * The event with full shas, ready to queue, or why it is ignored; `accepted` records a planned head once the
 * job is queued. Pull request payloads carry 12-character hashes, and the plan job, its statuses and its
 * comment are keyed by the full sha the workers read back from the pull request, so intake expands them
 * here (one commit lookup) rather than leave every worker to do it.
 */
export async function fullShaEvent(
  intake: Intake,
  item: BitbucketParsed,
): Promise<{ result: ParseResult; accepted?: () => Promise<void> }> {
  const { result } = item;
  if (isIgnored(result) || result.type === "comment") return { result };
  // A repository not served here gets its 403 from settleDelivery, without a call to Bitbucket.
  if (!intake.deps.allowed(result.repo.fullName)) return { result };
  const call: HostCall = { host: "bitbucket", call: "webhook commit lookup", repo: result.repo };
  if (result.type === "push") {
    // Push payloads carry full hashes: this returns them without a call.
    const after = await resolveBitbucketCommit(intake.api, call, result.repo.fullName, result.after);
    if (!after) return { result: ignored(`push of ${result.refName}: commit ${result.after} not found`) };
    return { result: { ...result, after } };
  }
  const headRepo = item.headRepo ?? result.repo.fullName;
  const headSha = await resolveBitbucketCommit(intake.api, call, headRepo, result.headSha);
  const pr = `pull request #${result.number}`;
  if (!headSha)
    return { result: ignored(`${pr}: head commit ${result.headSha} is no longer in ${headRepo}`) };
  const event = { ...result, headSha };
  if (event.type === "pr-closed") return { result: event };
  const { fullName } = event.repo;
  if (event.type === "pr-updated") {
    // Unknown (Redis down): plan again; the queue write that follows reports the outage anyway.
    const last = await intake.heads.last(fullName, event.number).catch(() => undefined);
    if (last === headSha) {
      return { result: ignored(`${pr} updated without new commits (head ${headSha.slice(0, 12)})`) };
    }
  }
  return {
    result: event,
    accepted: () =>
      intake.heads.remember(fullName, event.number, headSha).catch((error: unknown) => {
        intake.deps.logger.warn({ err: String(error), repo: fullName }, "cannot record the planned head");
      }),
  };
}
