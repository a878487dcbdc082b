import { verifyHmacSha256 } from "./verify-hmac-sha256.js";

/**
 * Checks an `X-Hub-Signature` header as both Bitbucket hosts send it: `sha256=<hex>` (the header name GitHub
 * uses for SHA-1). Any other shape is refused.
 */
export function verifySha256Header(secret: string, rawBody: Uint8Array, header: string): boolean {
  const match = /^sha256=(.*)$/i.exec(header.trim());
  return match !== null && verifyHmacSha256(secret, rawBody, match[1] ?? "");
}
