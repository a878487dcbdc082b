import { isZakenakError } from "../../errors.js";
import type { HostCall } from "../shared/host-error.js";
import type { BitbucketServerApi } from "./bitbucket-server-api.js";

interface BitbucketServerComment {
  id: number;
  version: number;
  text: string;
  author: { name: string; slug?: string };
}

interface Activity {
  action: string;
  comment?: BitbucketServerComment;
}

// A 409 means someone edited the comment between the read and the write; a few fresh reads settle it.
const EDIT_ATTEMPTS = 3;

/** Finds, edits (with its version) or creates the bot's comment holding a marker on one pull request. */
export function bitbucketServerComments(api: BitbucketServerApi, call: HostCall, pullRequestPath: string) {
  /** The bot's comment holding `marker`; comments are listed through the pull request's activities. */
  async function find(bot: string, marker: string): Promise<BitbucketServerComment | undefined> {
    const mine = (a: Activity) =>
      a.action === "COMMENTED" &&
      a.comment !== undefined &&
      a.comment.author.name.toLowerCase() === bot.toLowerCase() &&
      a.comment.text.includes(marker);
    return (await api.find<Activity>(call, `${pullRequestPath}/activities`, mine))?.comment;
  }

  /** Writes `text` over the comment, re-reading its version when Bitbucket answers 409. */
  async function edit(comment: BitbucketServerComment, text: string): Promise<void> {
    let { version } = comment;
    for (let attempt = 1; ; attempt++) {
      try {
        await api.json(call, `${pullRequestPath}/comments/${comment.id}`, {
          method: "PUT",
          body: { text, version },
        });
        return;
      } catch (error) {
        if (!isZakenakError(error) || error.code !== "conflict" || attempt >= EDIT_ATTEMPTS) throw error;
      }
      const current = await api.json<BitbucketServerComment>(
        call,
        `${pullRequestPath}/comments/${comment.id}`,
      );
      // Another worker wrote the same text meanwhile: nothing left to do.
      if (current.text === text) return;
      version = current.version;
    }
  }

  async function create(text: string): Promise<BitbucketServerComment> {
    return api.json<BitbucketServerComment>(call, `${pullRequestPath}/comments`, {
      method: "POST",
      body: { text },
    });
  }

  return { find, edit, create };
}
