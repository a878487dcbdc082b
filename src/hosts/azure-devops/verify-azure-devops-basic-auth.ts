import { createHash, timingSafeEqual } from "node:crypto";

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/**
 * Checks the `Authorization: Basic …` header a service hook sends with the user and password set on its
 * subscription: Azure DevOps signs nothing, so these credentials are the only proof of origin. Both parts
 * are hashed and compared in constant time, whatever their lengths, and both are always compared.
 */
export function verifyAzureDevOpsBasicAuth(
  header: string | undefined,
  expected: { user: string; password: string },
): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  const decoded = match?.[1] ? Buffer.from(match[1], "base64").toString("utf8") : "";
  const colon = decoded.indexOf(":");
  const user = colon === -1 ? "" : decoded.slice(0, colon);
  const password = colon === -1 ? "" : decoded.slice(colon + 1);
  const userOk = timingSafeEqual(digest(user), digest(expected.user));
  const passwordOk = timingSafeEqual(digest(password), digest(expected.password));
  return colon !== -1 && userOk && passwordOk;
}
