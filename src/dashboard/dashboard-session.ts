import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export const SESSION_COOKIE = "zakenak_dashboard";
/** How long a browser stays signed in. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Constant-time comparison of a presented token with the configured one, whatever their lengths. */
export function tokenMatches(presented: string, token: string): boolean {
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(token).digest();
  return timingSafeEqual(a, b);
}

/**
 * Session values are `<expiry ms>.<HMAC>`, keyed from the token: the token itself never reaches the
 * browser, and changing the token signs every browser out.
 */
function sessionKey(token: string): Buffer {
  return createHmac("sha256", token).update("zakenak dashboard session").digest();
}

function signature(token: string, expires: number): string {
  return createHmac("sha256", sessionKey(token)).update(String(expires)).digest("base64url");
}

export function createSession(token: string, now = Date.now()): string {
  const expires = now + SESSION_TTL_MS;
  return `${expires}.${signature(token, expires)}`;
}

export function sessionValid(value: string, token: string, now = Date.now()): boolean {
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return false;
  const expires = Number(match[1]);
  if (expires <= now) return false;
  const expected = Buffer.from(signature(token, expires));
  const given = Buffer.from(match[2] as string);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** One cookie's value from a Cookie header (no cookie parser: this is the only cookie read). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(value: string, secure: boolean, maxAgeSeconds: number): string {
  return [
    `${SESSION_COOKIE}=${value}`,
    "Path=/dashboard",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}
