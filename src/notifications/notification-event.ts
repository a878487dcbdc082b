/** What happened, the `events` of a notification route. */
export const NOTIFICATION_KINDS = [
  "deploy-started",
  "deploy-succeeded",
  "deploy-failed",
  "rollback-automatic",
  "rollback-command",
  "drift-found",
  "drift-healed",
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** One thing worth telling people outside the pull request; no field may carry a secret. */
export interface NotificationEvent {
  kind: NotificationKind;
  /** `owner/name` on its host. */
  repository: string;
  environment: string;
  sha?: string;
  /** Full ref, e.g. `refs/heads/main`. */
  ref?: string;
  /** The environment's revision the event is about. */
  revision?: number;
  /** One or a few sentences for people; masked again before it is sent. */
  summary: string;
  /** A link for more: the pull request or the commit on its host. */
  url?: string;
}
