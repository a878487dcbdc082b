import type { Request } from "express";
import { readCookie, SESSION_COOKIE, sessionValid, tokenMatches } from "./dashboard-session.js";
import type { DashboardSettings } from "./dashboard-settings.js";

/** Who is reading, and how they proved it; `session` is the only kind that can sign out. */
export type Viewer = { via: "bearer" } | { via: "session" } | { via: "proxy"; user: string };

/**
 * The viewer of a request, or undefined when it proves nothing: a Bearer token, a signed session
 * cookie, or (only when configured) the authenticating proxy's header.
 */
export function viewerOf(req: Request, settings: DashboardSettings): Viewer | undefined {
  const { token, trustedHeader } = settings;
  if (token !== undefined) {
    const auth = req.get("authorization");
    const bearer = auth && /^Bearer\s+(.+)$/i.exec(auth)?.[1];
    if (bearer && tokenMatches(bearer.trim(), token)) return { via: "bearer" };
    const session = readCookie(req.get("cookie"), SESSION_COOKIE);
    if (session && sessionValid(session, token)) return { via: "session" };
  }
  if (trustedHeader !== undefined) {
    const user = req.get(trustedHeader)?.trim();
    if (user) return { via: "proxy", user };
  }
  return undefined;
}
