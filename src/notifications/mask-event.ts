import type { Redact } from "../planning/secret-redactor.js";
import type { NotificationEvent } from "./notification-event.js";

/** Longer summaries are cut: Slack refuses a section over 3,000 characters, Teams a card over 28 KB. */
export const MAX_SUMMARY = 2_000;

/** The event with every text field passed through each redactor, and the summary cut to `MAX_SUMMARY`. */
export function maskEvent(event: NotificationEvent, redactors: readonly Redact[]): NotificationEvent {
  const mask = (text: string) => redactors.reduce((t, redact) => redact(t), text);
  const summary = mask(event.summary);
  return {
    ...event,
    repository: mask(event.repository),
    environment: mask(event.environment),
    summary: summary.length > MAX_SUMMARY ? `${summary.slice(0, MAX_SUMMARY - 1)}…` : summary,
    ...(event.sha !== undefined ? { sha: mask(event.sha) } : {}),
    ...(event.ref !== undefined ? { ref: mask(event.ref) } : {}),
    ...(event.url !== undefined ? { url: mask(event.url) } : {}),
  };
}
