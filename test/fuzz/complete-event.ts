import type { HostEvent } from "../../src/hosts/host-event.js";

const HOSTS = new Set(["github", "gitlab", "gitea", "bitbucket", "bitbucket-server", "azure-devops"]);

const text = (v: unknown) => typeof v === "string" && v.trim().length > 0;
const count = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v) && v > 0;

/**
 * The fields of a normalized event that are missing or of the wrong kind, by name; empty when the event
 * is whole. Workers read every one of these without checking again.
 */
export function missingFields(event: HostEvent): string[] {
  const missing: string[] = [];
  const need = (ok: boolean, name: string) => {
    if (!ok) missing.push(name);
  };
  need(HOSTS.has(event.repo?.host), "repo.host");
  need(text(event.repo?.fullName), "repo.fullName");
  if (event.repo?.defaultBranch !== undefined) need(text(event.repo.defaultBranch), "repo.defaultBranch");
  switch (event.type) {
    case "pr-opened":
    case "pr-updated":
    case "pr-closed":
      need(count(event.number), "number");
      need(text(event.headSha), "headSha");
      need(text(event.headBranch), "headBranch");
      need(text(event.baseBranch), "baseBranch");
      need(typeof event.sender === "string", "sender");
      if (event.type === "pr-closed") need(typeof event.merged === "boolean", "merged");
      break;
    case "push":
      need(text(event.ref) && event.ref.startsWith("refs/"), "ref");
      need(event.refType === "branch" || event.refType === "tag", "refType");
      need(
        text(event.refName) &&
          event.ref === `refs/${event.refType === "tag" ? "tags" : "heads"}/${event.refName}`,
        "refName",
      );
      need(event.deleted || text(event.after), "after");
      need(typeof event.deleted === "boolean", "deleted");
      need(typeof event.pusher === "string", "pusher");
      break;
    case "comment":
      need(count(event.number), "number");
      need(text(event.commentId), "commentId");
      need(typeof event.body === "string", "body");
      need(typeof event.author === "string", "author");
      need(typeof event.authorIsBot === "boolean", "authorIsBot");
      break;
    default:
      missing.push(`type ${(event as { type?: unknown }).type}`);
  }
  return missing;
}
