import { codeBlock, inlineCode } from "../reporting/markdown-escape.js";
import type { BotContext } from "./bot-context.js";
import { COMMAND_USAGE } from "./parse-command.js";

export interface CommentRequest {
  number: number;
  commentId: string;
  body: string;
  author: string;
  authorIsBot: boolean;
}

/** One reply per command comment: a retried job edits its reply instead of posting another. */
export function replyMarker(commentId: string): string {
  return `<!-- zakenak:reply:${commentId} -->`;
}

export async function reply(ctx: BotContext, req: CommentRequest, body: string): Promise<void> {
  const marker = replyMarker(req.commentId);
  await ctx.host.upsertComment(ctx.repo, req.number, marker, `${marker}\n${body}`);
}

export function usageReply(message: string): string {
  return `${message}\n\n**Usage**\n\n${COMMAND_USAGE}`;
}

export function helpReply(): string {
  return `**Zakenak commands**\n\n${COMMAND_USAGE}`;
}

export function failureReply(commandText: string, message: string): string {
  return `❌ ${inlineCode(commandText.slice(0, 200))} failed:\n\n${codeBlock(message.split("\n"))}`;
}
