import type { RepoRef } from "../host-event.js";
import { ignored, type ParseResult, splitRef } from "./parse-result.js";

/** What every host's push hook says, read from its own payload shape. */
export interface PushFields {
  repo: RepoRef;
  /** Full ref as the host sent it. */
  ref: string;
  after: string;
  /** Whether the push deleted the ref (GitHub says so; the others send the zero sha as `after`). */
  deleted: boolean;
  pusher: string;
}

/** A push → the host-neutral push event, or why the bot ignores it. */
export function pushEvent(p: PushFields): ParseResult {
  const ref = splitRef(p.ref);
  if (!ref) return ignored(`push to ${p.ref}, neither a branch nor a tag`);
  // A deleted ref has nothing to deploy; the environment keeps what it runs.
  if (p.deleted) return ignored(`push deletes ${ref.refType} ${ref.refName}`);
  return {
    type: "push",
    repo: p.repo,
    ref: p.ref,
    ...ref,
    after: p.after,
    deleted: false,
    pusher: p.pusher,
  };
}
