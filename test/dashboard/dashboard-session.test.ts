import { describe, expect, it } from "vitest";
import {
  createSession,
  readCookie,
  SESSION_TTL_MS,
  sessionCookie,
  sessionValid,
  tokenMatches,
} from "../../src/dashboard/dashboard-session.js";

const TOKEN = "the-dashboard-token";

describe("dashboard sessions", () => {
  it("accepts its own session until it expires, and never holds the token", () => {
    const now = 1_800_000_000_000;
    const session = createSession(TOKEN, now);
    expect(session).not.toContain(TOKEN);
    expect(sessionValid(session, TOKEN, now + 1000)).toBe(true);
    expect(sessionValid(session, TOKEN, now + SESSION_TTL_MS)).toBe(false);
  });

  it("refuses a session signed with another token, a changed expiry or garbage", () => {
    const now = 1_800_000_000_000;
    const session = createSession(TOKEN, now);
    expect(sessionValid(session, "another-token", now)).toBe(false);
    const [expiry, mac] = session.split(".");
    expect(sessionValid(`${Number(expiry) + 1}.${mac}`, TOKEN, now)).toBe(false);
    expect(sessionValid(`${expiry}.${mac?.slice(1)}x`, TOKEN, now)).toBe(false);
    expect(sessionValid("", TOKEN, now)).toBe(false);
    expect(sessionValid(TOKEN, TOKEN, now)).toBe(false);
  });

  it("compares tokens of any length", () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(`${TOKEN}x`, TOKEN)).toBe(false);
    expect(tokenMatches("", TOKEN)).toBe(false);
  });

  it("writes and reads the cookie", () => {
    expect(sessionCookie("v", true, 60)).toBe(
      "zakenak_dashboard=v; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=60; Secure",
    );
    expect(sessionCookie("v", false, 0)).not.toContain("Secure");
    expect(readCookie("a=1; zakenak_dashboard=abc.def; b=2", "zakenak_dashboard")).toBe("abc.def");
    expect(readCookie("zakenak_dashboard_x=1", "zakenak_dashboard")).toBeUndefined();
    expect(readCookie(undefined, "zakenak_dashboard")).toBeUndefined();
  });
});
