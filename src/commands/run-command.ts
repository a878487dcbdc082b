import type { AuditAction } from "../audit/audit-log.js";
import { inlineCode } from "../reporting/markdown-escape.js";
import type { TrustedEnvironment, TrustedPolicy } from "../trust/trusted-policy.js";
import { atLeast, refusalMessage, requiredPermission } from "./authorize.js";
import type { BotContext } from "./bot-context.js";
import { type CommentRequest, helpReply, reply, usageReply } from "./command-reply.js";
import { environmentForBranch } from "./environments-for-ref.js";
import { type CommandResult, executeHistory, executeRollback, executeUnlock } from "./execute-command.js";
import { type Command, parseCommand } from "./parse-command.js";
import { planPullRequest } from "./plan-pull-request.js";
import { readTrustedPolicy } from "./repository-policy.js";

export type CommandOutcome =
  | { result: "ignored"; reason: string }
  | { result: "invalid" | "refused" | "done"; command?: Command["name"]; status?: string };

/**
 * Answers a comment: finds the command, checks the commenter's permission on the host now against the
 * default branch's policy, runs it, replies once, and writes every command and outcome to the audit log.
 */
export async function runCommand(ctx: BotContext, req: CommentRequest): Promise<CommandOutcome> {
  const { host, repo } = ctx;
  if (req.authorIsBot) return { result: "ignored", reason: "author is a bot" };
  const bot = await host.botUser();
  if (req.author.toLowerCase() === bot.toLowerCase()) return { result: "ignored", reason: "own comment" };
  const parsed = parseCommand(req.body, [bot]);
  if (parsed.kind === "none") return { result: "ignored", reason: "no command" };
  const audit = (
    action: AuditAction,
    result: string,
    extra: { environment?: string; sha?: string; detail?: string } = {},
  ) =>
    ctx.audit.record({
      actor: req.author,
      action,
      repo: repo.fullName,
      host: repo.host,
      result,
      pullRequest: req.number,
      ...extra,
      detail: extra.detail ? `${parsed.text}: ${extra.detail}` : parsed.text,
    });
  if (parsed.kind === "invalid") {
    await reply(ctx, req, usageReply(`@${req.author}, ${parsed.message}.`));
    await audit("command", "invalid", { detail: parsed.message });
    return { result: "invalid" };
  }
  const command = parsed.command;
  if (command.name === "help") {
    await reply(ctx, req, helpReply());
    await audit("help", "succeeded");
    return { result: "done", command: "help" };
  }

  const pr = await host.getPullRequest(repo, req.number);
  const policy = await readTrustedPolicy(ctx);
  const env = resolveEnvironment(policy, command, pr.baseBranch);
  if (typeof env === "string") {
    await reply(ctx, req, usageReply(`@${req.author}, ${env}`));
    await audit(command.name, "invalid", { detail: env });
    return { result: "invalid", command: command.name };
  }
  const need = requiredPermission(command.name, policy.permissions);
  const have = await host.getPermission(repo, req.author);
  if (!atLeast(have, need)) {
    await reply(ctx, req, `⛔ ${refusalMessage(req.author, command.name, need, have)}`);
    await audit(command.name, "refused", {
      ...(env ? { environment: env.name } : {}),
      detail: `needs ${need}, has ${have}`,
    });
    return { result: "refused", command: command.name };
  }

  let done: CommandResult;
  const where = `${repo.fullName}#${req.number}`;
  switch (command.name) {
    case "plan": {
      const planned = await planPullRequest(ctx, {
        number: req.number,
        headSha: pr.headSha,
        ...(env ? { environments: [env.name] } : {}),
      });
      done = {
        result: planned.result,
        reply:
          planned.result === "planned"
            ? ""
            : `The plan was not updated: ${planned.result === "skipped" ? planned.reason : `the pull request moved on to ${inlineCode(planned.current.slice(0, 12))}`}.`,
        sha: pr.headSha,
      };
      break;
    }
    case "rollback":
      done = await executeRollback(ctx, env as NonNullable<typeof env>, command.to, req.author, where);
      break;
    case "unlock":
      done = await executeUnlock(ctx, env as NonNullable<typeof env>);
      break;
    case "history":
      done = await executeHistory(ctx, env as NonNullable<typeof env>);
      break;
  }
  // A re-planned pull request answers with its plan comment; everything else with a reply.
  if (done.reply) await reply(ctx, req, done.reply);
  await audit(command.name, done.result, {
    ...(env ? { environment: env.name } : {}),
    ...(done.sha ? { sha: done.sha } : {}),
    ...(done.detail ? { detail: done.detail } : {}),
  });
  return { result: "done", command: command.name, status: done.result };
}

/**
 * The environment a command acts on, an explanation (string) when there is none, or undefined for
 * `/plan` without one (all environments). The default is what the base branch deploys to.
 */
function resolveEnvironment(
  policy: TrustedPolicy,
  command: Exclude<Command, { name: "help" }>,
  baseBranch: string,
): TrustedEnvironment | string | undefined {
  const known = policy.environments.map((e) => e.name);
  if (command.environment !== undefined) {
    const env = policy.environments.find((e) => e.name === command.environment);
    const refused = policy.refused.find((e) => e.name === command.environment);
    if (refused)
      return `environment ${inlineCode(refused.name)} is refused [${refused.rule}]: ${refused.reason}.`;
    return env ?? `unknown environment ${inlineCode(command.environment)} (known: ${known.join(", ")}).`;
  }
  if (command.name === "plan") return undefined;
  return (
    environmentForBranch(policy.environments, baseBranch) ??
    `the base branch ${inlineCode(baseBranch)} deploys no environment; name one: ` +
      `\`/${command.name} <env>\` (known: ${known.join(", ")}).`
  );
}
