import { UnrecoverableError } from "bullmq";
import { formatSlack } from "./format-slack.js";
import { formatTeams } from "./format-teams.js";
import { formatWebhook } from "./format-webhook.js";
import type { NotificationJobData } from "./notification-queue.js";
import type { NotificationSettings, NotificationTarget } from "./notification-settings.js";
import { sendNotification } from "./send-notification.js";

/** Formats a queued notification for its target's kind of receiver and sends it (one try). */
export async function deliverNotification(
  settings: NotificationSettings,
  data: NotificationJobData,
): Promise<NotificationTarget> {
  const target = settings.targets.get(data.target);
  // Queued before a restart with another configuration: nowhere to send it any more.
  if (!target) throw new UnrecoverableError(`notification target ${data.target} is no longer configured`);
  const { body, headers } = request(target, data);
  await sendNotification(target, body, headers, settings.redactTargets);
  return target;
}

function request(target: NotificationTarget, data: NotificationJobData) {
  switch (target.type) {
    case "slack":
      return { body: JSON.stringify(formatSlack(data.event)), headers: {} };
    case "teams":
      return { body: JSON.stringify(formatTeams(data.event)), headers: {} };
    case "webhook":
      if (target.secret === undefined)
        throw new UnrecoverableError(`notification target ${target.name} has no secret`);
      return formatWebhook(data.event, { id: data.deliveryId, occurredAt: data.occurredAt }, target.secret);
  }
}
