import type { GitHost } from "../git-host.js";
import type { RepoRef } from "../host-event.js";
import { fitComment, splitComment } from "../shared/fit-comment.js";
import type { HostCall } from "../shared/host-error.js";
import { type BitbucketAccount, isAccount } from "./bitbucket-cloud-account.js";
import type { BitbucketCloudApi } from "./bitbucket-cloud-api.js";
import { bitbucketRepoPath } from "./bitbucket-cloud-paths.js";

/**
 * Bitbucket documents no cap on comments (bodies of 200,000 characters have been accepted); this keeps a
 * plan within what reviewers read and well inside what Bitbucket takes.
 */
export const bitbucketCloudCommentLimit = 65_536;

interface BitbucketComment {
  id: number;
  content?: { raw?: string | null } | null;
  user?: BitbucketAccount | null;
  deleted?: boolean;
}

/**
 * The marker as Bitbucket's Markdown hides it. Bitbucket does not render HTML, so `<!-- key -->` would show
 * as text; an empty link definition, `[//]: # (key)`, renders as nothing. Markers of another form stay.
 */
export function hiddenMarker(marker: string): string {
  const inner = /^<!--\s*(.*?)\s*-->$/s.exec(marker)?.[1];
  if (!inner || /[()\n\r]/.test(inner)) return marker;
  return `[//]: # (${inner})`;
}

/** The body with its marker hidden, plus the blank line a link definition needs before a paragraph. */
function withHiddenMarker(body: string, marker: string, hidden: string): string {
  if (hidden === marker || !body.includes(marker)) return body;
  return body.replace(marker, () => `${hidden}\n`);
}

/** Comment writes: the bot's marked comment edited in place, replies split over comments when long. */
export function bitbucketCloudComments(
  api: BitbucketCloudApi,
  botName: () => Promise<string>,
): Pick<GitHost, "upsertComment" | "createComment"> {
  const at = (call: string, repo: RepoRef): HostCall => ({ host: "bitbucket", call, repo });
  const commentsPath = (repo: RepoRef, number: number, rest = "") =>
    bitbucketRepoPath(repo, `pullrequests/${number}/comments${rest}`);

  return {
    async upsertComment(repo, number, marker, body) {
      const where = at("upsertComment", repo);
      const hidden = hiddenMarker(marker);
      const text = fitComment(withHiddenMarker(body, marker, hidden), bitbucketCloudCommentLimit, hidden);
      const bot = await botName();
      for await (const page of api.pages<BitbucketComment>(where, commentsPath(repo, number), {
        pagelen: 100,
      })) {
        const mine = page.find(
          (c) => !c.deleted && (c.content?.raw ?? "").includes(hidden) && isAccount(c.user, bot),
        );
        if (!mine) continue;
        if (mine.content?.raw !== text) {
          await api.json(where, commentsPath(repo, number, `/${mine.id}`), {
            method: "PUT",
            body: { content: { raw: text } },
          });
        }
        return { id: String(mine.id), created: false };
      }
      const created = await api.json<BitbucketComment>(where, commentsPath(repo, number), {
        method: "POST",
        body: { content: { raw: text } },
      });
      return { id: String(created.id), created: true };
    },

    async createComment(repo, number, body) {
      for (const part of splitComment(body, bitbucketCloudCommentLimit)) {
        await api.json(at("createComment", repo), commentsPath(repo, number), {
          method: "POST",
          body: { content: { raw: part } },
        });
      }
    },
  };
}
