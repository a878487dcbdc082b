import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Checks `X-Gitlab-Token`, which GitLab sends as the configured secret itself (not a signature).
 * Both sides are hashed first so `timingSafeEqual` always compares equal-length buffers and the
 * comparison leaks neither the content nor the length of the secret.
 */
export function verifyGitlabToken(secret: string, token: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(secret), digest(token));
}
