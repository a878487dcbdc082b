import { createHmac, timingSafeEqual } from "node:crypto";

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Whether `hex` is the HMAC-SHA256 of the raw body bytes keyed with the webhook's secret, compared in
 * constant time. Anything but 64 hex digits is refused first: Buffer.from(…, "hex") silently drops bad
 * digits.
 */
export function verifyHmacSha256(secret: string, rawBody: Uint8Array, hex: string): boolean {
  if (!HEX_SHA256.test(hex)) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(hex, "hex"));
}
