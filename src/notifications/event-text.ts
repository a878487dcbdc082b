import type { NotificationEvent, NotificationKind } from "./notification-event.js";

const HEADLINES: Record<NotificationKind, string> = {
  "deploy-started": "Deploy started",
  "deploy-succeeded": "Deployed",
  "deploy-failed": "Deploy failed",
  "rollback-automatic": "Rolled back automatically",
  "rollback-command": "Rolled back by command",
  "drift-found": "Drift found",
  "drift-healed": "Drift healed",
};

export type Tone = "good" | "bad" | "neutral";

const TONES: Record<NotificationKind, Tone> = {
  "deploy-started": "neutral",
  "deploy-succeeded": "good",
  "deploy-failed": "bad",
  "rollback-automatic": "bad",
  "rollback-command": "neutral",
  "drift-found": "bad",
  "drift-healed": "good",
};

/** `Deploy failed: prod`, the first line every format shows. */
export function headline(event: NotificationEvent): string {
  return `${HEADLINES[event.kind]}: ${event.environment}`;
}

export function tone(kind: NotificationKind): Tone {
  return TONES[kind];
}

/** The event's details as label/value pairs, in a fixed order; missing ones are left out. */
export function facts(event: NotificationEvent): { label: string; value: string }[] {
  const all: [string, string | undefined][] = [
    ["Repository", event.repository],
    ["Environment", event.environment],
    ["Commit", event.sha?.slice(0, 12)],
    ["Ref", event.ref],
    ["Revision", event.revision?.toString()],
  ];
  return all
    .filter((f): f is [string, string] => f[1] !== undefined)
    .map(([label, value]) => ({ label, value }));
}
