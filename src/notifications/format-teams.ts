import { facts, headline, tone } from "./event-text.js";
import type { NotificationEvent } from "./notification-event.js";

const COLOR = { good: "Good", bad: "Attention", neutral: "Default" } as const;

/**
 * The body a Teams workflow webhook ("when a Teams webhook request is received") takes: a message with
 * one Adaptive Card attachment. Workflows take Adaptive Cards only, not the connectors' MessageCard.
 */
export function formatTeams(event: NotificationEvent): unknown {
  const card = {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    body: [
      {
        type: "TextBlock",
        text: headline(event),
        weight: "Bolder",
        size: "Medium",
        color: COLOR[tone(event.kind)],
        wrap: true,
      },
      { type: "TextBlock", text: event.summary, wrap: true },
      { type: "FactSet", facts: facts(event).map((f) => ({ title: f.label, value: f.value })) },
    ],
    ...(event.url !== undefined
      ? { actions: [{ type: "Action.OpenUrl", title: "Open on the host", url: event.url }] }
      : {}),
  };
  return {
    type: "message",
    attachments: [
      { contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card },
    ],
  };
}
