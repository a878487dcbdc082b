import { createHmac, timingSafeEqual } from "node:crypto";

const SHA256_SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * Checks `X-Hub-Signature`, which Bitbucket Server sends as `sha256=<hex>`: the HMAC-SHA256 of the raw
 * body bytes keyed with the webhook's secret (the header name GitHub uses for SHA-1). Compared in
 * constant time; any other shape is refused.
 */
export function verifyBitbucketServerSignature(secret: string, rawBody: Uint8Array, header: string): boolean {
  // Buffer.from(…, "hex") silently drops bad digits, so anything but 64 hex digits is refused first.
  const hex = SHA256_SIGNATURE.exec(header.trim())?.[1];
  if (!hex) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(hex, "hex"));
}
