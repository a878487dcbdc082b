import { UnrecoverableError } from "bullmq";
import type { Redact } from "../planning/secret-redactor.js";
import type { NotificationTarget } from "./notification-settings.js";

/** What a receiver's answer may add to an error: enough for `invalid_payload`, not a page of HTML. */
const MAX_ANSWER = 200;

/**
 * POSTs one body to a target. A 2xx answer is delivered. A timeout, a connection error, 408, 429 or a
 * 5xx is thrown for the queue to retry; any other answer (Slack's 404 `no_service`, a 400, a redirect)
 * cannot get better by trying again and is thrown as unrecoverable. Errors name the target, never its
 * URL, and what the receiver answered is masked with `redact`.
 */
export async function sendNotification(
  target: NotificationTarget,
  body: string,
  headers: Record<string, string>,
  redact: Redact,
): Promise<void> {
  const where = `notification target ${target.name} (${target.type})`;
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": "zakenak", ...headers },
      body,
      // A redirect would send the body somewhere the operator did not name.
      redirect: "manual",
      signal: AbortSignal.timeout(target.timeoutMs),
    });
  } catch (err) {
    throw new Error(`${where}: ${reason(err, target.timeoutMs)}`);
  }
  const answer = redact((await response.text().catch(() => "")).slice(0, MAX_ANSWER)).trim();
  if (response.ok) return;
  const message = `${where} answered HTTP ${response.status}${answer ? `: ${answer}` : ""}`;
  const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
  throw retryable ? new Error(message) : new UnrecoverableError(message);
}

/** Why a request got no answer, without the URL (undici's messages and causes may quote it). */
function reason(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; cause?: { code?: string } };
  if (e.name === "TimeoutError" || e.name === "AbortError") return `no answer within ${timeoutMs / 1000} s`;
  if (e.cause?.code) return `request failed (${e.cause.code})`;
  return "request failed";
}
