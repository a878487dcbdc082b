import { inlineCode } from "../reporting/markdown-escape.js";

/** A command from a pull-request comment, checked for shape (not yet for permission). */
export type Command =
  | { name: "plan"; environment?: string }
  | { name: "rollback"; environment?: string; to?: number }
  | { name: "unlock"; environment?: string }
  | { name: "history"; environment?: string }
  | { name: "help" };

export type CommandName = Command["name"];

export type ParsedComment =
  /** No command in the comment: the bot stays silent. */
  | { kind: "none" }
  | { kind: "command"; command: Command; text: string }
  /** Looks like a command but is not a valid one: the bot replies with the usage. */
  | { kind: "invalid"; text: string; message: string };

export const COMMAND_USAGE = [
  "| Command | What it does |",
  "| --- | --- |",
  "| `/plan [env]` | Plan this pull request again (all environments, or one) |",
  "| `/rollback [env] [to <revision>]` | Re-apply an earlier revision (default: the last successful one) |",
  "| `/unlock [env]` | Clear a stuck environment lock |",
  "| `/history [env]` | List the environment's revisions |",
  "| `/help` | Show this help |",
  "",
  "`env` defaults to the environment this pull request's base branch deploys to. " +
    "Commands also work as `@zakenak <command>`.",
].join("\n");

const ENV_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SLASH_COMMAND = /^\/([A-Za-z][\w-]*)(?=\s|$)(.*)$/;

/**
 * Finds the command in a comment: the first line (outside code blocks) that starts with `/word` or
 * with a mention of the bot (`@zakenak`, or one of `mentions`). Lines like `/path/to/file` are prose.
 */
export function parseCommand(body: string, mentions: readonly string[] = []): ParsedComment {
  const names = ["zakenak", ...mentions].map((m) => m.replace(/^@/, "").toLowerCase());
  let fenced = false;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("```") || line.startsWith("~~~")) {
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    const slash = SLASH_COMMAND.exec(line);
    if (slash) return parseWords((slash[1] as string).toLowerCase(), words(slash[2] as string), line);
    const mention = /^@([\w.[\]-]+)[,:]?(?:\s+(.*))?$/.exec(line);
    if (mention && names.includes((mention[1] as string).toLowerCase())) {
      const [first = "", ...rest] = words(mention[2] ?? "");
      if (first === "") return invalid(line, "the mention names no command");
      return parseWords(first.replace(/^\//, "").toLowerCase(), rest, line);
    }
  }
  return { kind: "none" };
}

function words(text: string): string[] {
  return text.trim().split(/\s+/).filter(Boolean);
}

function invalid(text: string, message: string): ParsedComment {
  return { kind: "invalid", text, message };
}

function parseWords(name: string, args: string[], text: string): ParsedComment {
  switch (name) {
    case "help":
      if (args.length > 0) return invalid(text, "`/help` takes no arguments");
      return { kind: "command", command: { name: "help" }, text };
    case "plan":
    case "unlock":
    case "history": {
      if (args.length > 1) return invalid(text, `\`/${name}\` takes at most one environment`);
      const env = args[0];
      if (env !== undefined && !ENV_NAME.test(env)) return invalid(text, badEnv(env));
      return { kind: "command", command: env === undefined ? { name } : { name, environment: env }, text };
    }
    case "rollback":
      return parseRollback(args, text);
    default:
      return invalid(text, `unknown command ${inlineCode(`/${name.slice(0, 40)}`)}`);
  }
}

function parseRollback(args: string[], text: string): ParsedComment {
  let rest = args;
  let environment: string | undefined;
  if (rest[0] !== undefined && rest[0].toLowerCase() !== "to") {
    environment = rest[0];
    if (!ENV_NAME.test(environment)) return invalid(text, badEnv(environment));
    rest = rest.slice(1);
  }
  let to: number | undefined;
  if (rest.length > 0) {
    if (rest[0]?.toLowerCase() !== "to" || rest.length !== 2) {
      return invalid(text, "`/rollback` takes `[env] [to <revision>]`");
    }
    const n = Number(rest[1]);
    if (!/^\d+$/.test(rest[1] as string) || !Number.isSafeInteger(n) || n < 1) {
      return invalid(
        text,
        `revision must be a positive whole number, not ${inlineCode((rest[1] as string).slice(0, 40))}`,
      );
    }
    to = n;
  }
  const command: Command = {
    name: "rollback",
    ...(environment !== undefined ? { environment } : {}),
    ...(to !== undefined ? { to } : {}),
  };
  return { kind: "command", command, text };
}

function badEnv(env: string): string {
  return `${inlineCode(env.slice(0, 60))} is not an environment name`;
}
