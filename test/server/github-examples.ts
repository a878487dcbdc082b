import { createRequire } from "node:module";

interface WebhookDefinition {
  name: string;
  examples: Record<string, unknown>[];
}

// The published example payloads GitHub's own SDK is tested with, one list of examples per event.
const definitions = createRequire(import.meta.url)("@octokit/webhooks-examples") as WebhookDefinition[];

// biome-ignore lint/suspicious/noExplicitAny: payloads are edited freely by the tests.
export type Payload = Record<string, any>;

/** A deep copy of the first published example of `event` that `match` accepts. */
export function githubExample(event: string, match: (payload: Payload) => boolean = () => true): Payload {
  const found = definitions.find((d) => d.name === event)?.examples.find((e) => match(e as Payload));
  if (!found) throw new Error(`no published ${event} example matches`);
  return structuredClone(found) as Payload;
}

/**
 * An `issue_comment` on a pull request. The published examples are all on plain issues; GitHub marks
 * a pull request's comments by an `issue.pull_request` object with these links.
 */
export function githubPullRequestComment(body = "/plan dev"): Payload {
  const payload = githubExample("issue_comment", (p) => p.action === "created" && p.installation);
  const repo = payload.repository.full_name;
  const n = payload.issue.number;
  payload.issue.pull_request = {
    url: `https://api.github.com/repos/${repo}/pulls/${n}`,
    html_url: `https://github.com/${repo}/pull/${n}`,
    diff_url: `https://github.com/${repo}/pull/${n}.diff`,
    patch_url: `https://github.com/${repo}/pull/${n}.patch`,
    merged_at: null,
  };
  payload.comment.body = body;
  return payload;
}
