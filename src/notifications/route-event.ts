import { repoAllowlist } from "../config/repo-allowlist.js";
import type { NotificationEvent } from "./notification-event.js";
import type { NotificationRoute } from "./notifications-schema.js";

/** The targets an event goes to: those of every route that matches it, each once, in route order. */
export function routeEvent(routes: readonly NotificationRoute[], event: NotificationEvent): string[] {
  const targets = new Set<string>();
  for (const route of routes) {
    if (route.events && !route.events.includes(event.kind)) continue;
    if (route.environments && !route.environments.includes(event.environment)) continue;
    if (route.repositories && !repoAllowlist(route.repositories)(event.repository)) continue;
    for (const t of route.targets) targets.add(t);
  }
  return [...targets];
}
