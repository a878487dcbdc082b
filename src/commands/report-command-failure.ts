import type { BotContext } from "./bot-context.js";
import { type CommentRequest, failureReply, reply } from "./command-reply.js";
import { parseCommand } from "./parse-command.js";
import { errorMessage, statusLine } from "./report-failure.js";

/** Replies that a command failed for good (bad policy file, missing revision, retries exhausted). */
export async function reportCommandFailure(
  ctx: BotContext,
  req: CommentRequest,
  err: unknown,
): Promise<void> {
  const parsed = parseCommand(req.body);
  const text = parsed.kind === "none" ? "command" : parsed.text;
  const name = parsed.kind === "command" ? parsed.command.name : "command";
  await reply(ctx, req, failureReply(text, errorMessage(err)));
  await ctx.audit.record({
    actor: req.author,
    action: name,
    repo: ctx.repo.fullName,
    host: ctx.repo.host,
    result: "failed",
    pullRequest: req.number,
    detail: `${text}: ${statusLine(err)}`,
  });
}
