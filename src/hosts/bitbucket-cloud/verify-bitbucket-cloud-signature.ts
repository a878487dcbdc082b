import { createHmac, timingSafeEqual } from "node:crypto";

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * Checks `X-Hub-Signature`: `sha256=` and the hex HMAC-SHA256 of the raw body bytes. The header name is the
 * one GitHub uses for SHA-1; Bitbucket Cloud puts SHA-256 in it. Compared in constant time.
 */
export function verifyBitbucketCloudSignature(secret: string, rawBody: Uint8Array, header: string): boolean {
  // Buffer.from(…, "hex") silently drops bad digits, so anything but 64 hex digits is refused first.
  const hex = SIGNATURE.exec(header.trim())?.[1];
  if (!hex) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(hex, "hex"));
}
