import type { Queue } from "bullmq";

/** Kept as long as NewestHeads keeps its record: a pull request idle longer is planned again on any update. */
const TTL_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * The head intake last queued a plan for, per pull request, in the queue's own Redis (under the queue's
 * keys, so each deployment has its own). `pullrequest:updated` also fires for title, description and
 * reviewer edits and its payload does not say what changed: an update whose head equals the last one
 * queued needs no new plan. Only the last head counts, so a branch reset to an earlier head is planned.
 */
export interface PullRequestHeads {
  last(repo: string, number: number): Promise<string | undefined>;
  remember(repo: string, number: number, sha: string): Promise<void>;
}

export function pullRequestHeads(queue: Queue): PullRequestHeads {
  const key = (repo: string, number: number) =>
    queue.toKey(`bitbucket-cloud-pr-head:${repo.toLowerCase()}#${number}`);
  return {
    async last(repo, number) {
      const client = await queue.getBackend().client;
      return (await client.get(key(repo, number))) ?? undefined;
    },
    async remember(repo, number, sha) {
      const client = await queue.getBackend().client;
      await client.set(key(repo, number), sha, { PX: TTL_MS });
    },
  };
}
