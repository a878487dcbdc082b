import { facts, headline, tone } from "./event-text.js";
import type { NotificationEvent } from "./notification-event.js";

const EMOJI = { good: ":white_check_mark:", bad: ":x:", neutral: ":information_source:" } as const;

/** Slack reads `&`, `<` and `>` as markup in both plain text and mrkdwn. */
function slackText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/**
 * The body of a Slack incoming webhook: `text` for notifications and clients without blocks, and
 * blocks with the headline, the summary and the details (a header holds at most 150 characters).
 */
export function formatSlack(event: NotificationEvent): unknown {
  const title = headline(event);
  const details = facts(event).map((f) => ({ type: "mrkdwn", text: `*${f.label}:* ${slackText(f.value)}` }));
  if (event.url !== undefined)
    details.push({ type: "mrkdwn", text: `<${slackText(event.url)}|Open on the host>` });
  return {
    text: slackText(`${title} (${event.repository}): ${event.summary}`),
    blocks: [
      { type: "header", text: { type: "plain_text", text: title.slice(0, 150), emoji: true } },
      {
        type: "section",
        text: { type: "mrkdwn", text: `${EMOJI[tone(event.kind)]} ${slackText(event.summary)}` },
      },
      { type: "context", elements: details },
    ],
  };
}
