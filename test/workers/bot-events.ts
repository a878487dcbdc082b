import type { HostEvent } from "../../src/hosts/host-event.js";
import { type GiteaWorld, hex, type TestRepo } from "./worker-kit.js";

/** A PR event as intake would enqueue it, from what Gitea says about the pull request now. */
export async function pullRequestEvent(
  world: GiteaWorld,
  repo: TestRepo,
  number: number,
  type: "pr-opened" | "pr-updated" = "pr-opened",
): Promise<HostEvent> {
  const pr = await world.admin.getPullRequest({ owner: repo.owner, repo: repo.name, number });
  return {
    type,
    repo: repo.ref,
    number,
    headSha: pr.head.sha,
    headBranch: pr.head.ref,
    baseBranch: pr.base.ref,
    sender: world.writer.username,
  };
}

export function pushEvent(
  repo: TestRepo,
  refName: string,
  after: string,
  pusher: string,
  tag = false,
): HostEvent {
  return {
    type: "push",
    repo: repo.ref,
    ref: `refs/${tag ? "tags" : "heads"}/${refName}`,
    refType: tag ? "tag" : "branch",
    refName,
    after,
    deleted: false,
    pusher,
  };
}

export function commentEvent(repo: TestRepo, number: number, author: string, body: string): HostEvent {
  return {
    type: "comment",
    repo: repo.ref,
    number,
    commentId: hex(6),
    body,
    author,
    authorIsBot: false,
  };
}

/** The bot's comments on a PR that carry `marker`. */
export async function botComments(world: GiteaWorld, repo: TestRepo, number: number, marker: string) {
  const comments = await world.admin.listComments({ owner: repo.owner, repo: repo.name, number });
  return comments.filter((c) => c.user.login === world.bot.username && c.body.includes(marker));
}

/** The newest status per context on a commit. */
export async function statusesOf(world: GiteaWorld, repo: TestRepo, sha: string) {
  const all = await world.admin.commitStatuses({ owner: repo.owner, repo: repo.name, ref: sha });
  const newest = new Map<string, (typeof all)[number]>();
  for (const s of [...all].sort((a, b) => a.id - b.id)) newest.set(s.context, s);
  return newest;
}
