import { readFile } from "node:fs/promises";
import { ZakenakError } from "../errors.js";
import { createRedactor, type Redact } from "../planning/secret-redactor.js";
import type { NotificationRoute, NotificationsConfig, TargetType } from "./notifications-schema.js";

/** A target with its URL and signing secret read: held in memory only, never written to Redis or logs. */
export interface NotificationTarget {
  name: string;
  type: TargetType;
  url: string;
  secret?: string;
  timeoutMs: number;
}

/** What the notifier and its delivery worker need, resolved once at start-up. */
export interface NotificationSettings {
  targets: ReadonlyMap<string, NotificationTarget>;
  routes: readonly NotificationRoute[];
  attempts: number;
  delayMs: number;
  /** Masks every target's URL (its path holds the token) and signing secret, in every form they may take. */
  redactTargets: Redact;
}

type ReadText = (path: string) => Promise<string>;

/**
 * Reads each target's URL and secret from the environment variable or file the server configuration
 * names. Undefined when no target is configured. Errors name the configuration key and the variable or
 * file, never the value.
 */
export async function notificationSettings(
  config: NotificationsConfig,
  env: NodeJS.ProcessEnv,
  read: ReadText = (path) => readFile(path, "utf8"),
): Promise<NotificationSettings | undefined> {
  const entries = Object.entries(config.targets);
  if (entries.length === 0) return undefined;
  const targets = new Map<string, NotificationTarget>();
  for (const [name, t] of entries) {
    const key = `notifications.targets.${name}`;
    const url = await secretValue(key, "url", t.urlEnv, t.urlFile, env, read);
    if (!isHttpUrl(url)) {
      throw new ZakenakError(
        "config-invalid",
        `${key}: the value of ${t.urlEnv ?? t.urlFile} is not an http(s) URL`,
      );
    }
    const secret =
      t.type === "webhook"
        ? await secretValue(key, "secret", t.secretEnv, t.secretFile, env, read)
        : undefined;
    targets.set(name, {
      name,
      type: t.type,
      url,
      ...(secret !== undefined ? { secret } : {}),
      timeoutMs: t.timeoutSeconds * 1000,
    });
  }
  return {
    targets,
    routes: config.routes,
    attempts: config.retry.attempts,
    delayMs: config.retry.delaySeconds * 1000,
    redactTargets: targetRedactor([...targets.values()]),
  };
}

async function secretValue(
  key: string,
  what: "url" | "secret",
  envName: string | undefined,
  file: string | undefined,
  env: NodeJS.ProcessEnv,
  read: ReadText,
): Promise<string> {
  if (envName !== undefined) {
    const value = env[envName]?.trim();
    if (!value) throw new ZakenakError("config-invalid", `${key}.${what}Env: ${envName} is not set`);
    return value;
  }
  let text: string;
  try {
    text = await read(file as string);
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ZakenakError("config-invalid", `${key}.${what}File: cannot read ${file}: ${reason}`, { cause });
  }
  const value = text.trim();
  if (!value) throw new ZakenakError("config-invalid", `${key}.${what}File: ${file} is empty`);
  return value;
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === "https:" || u.protocol === "http:";
  } catch {
    return false;
  }
}

/**
 * The project's Secret redactor over the targets' credentials, as if they were one Secret's values: a
 * URL or a signing secret quoted in an event, an error or a receiver's answer becomes `***`, in plain,
 * base64 and quoted forms alike. The URL's path and query count on their own, and so does each part
 * of them that could be a token (Slack's last path segment, the `sig` of a Teams workflow).
 */
function targetRedactor(targets: NotificationTarget[]): Redact {
  const values: string[] = [];
  for (const t of targets) {
    const u = new URL(t.url);
    values.push(t.url);
    if (u.pathname.length > 1) values.push(`${u.pathname}${u.search}`);
    values.push(...u.pathname.split("/").filter(mayBeToken));
    values.push(...[...u.searchParams.values()].filter(mayBeToken));
    if (t.secret !== undefined) values.push(t.secret);
  }
  const stringData = Object.fromEntries(values.map((v, i) => [`value-${i}`, v]));
  return createRedactor([
    { apiVersion: "v1", kind: "Secret", metadata: { name: "notification-targets" }, stringData },
  ]);
}

/** Long enough to be a credential and not a plain word such as `services`, `workflows` or `invoke`. */
function mayBeToken(part: string): boolean {
  return part.length >= 8 && !/^[a-z-]+$/.test(part);
}
