import { createHmac, timingSafeEqual } from "node:crypto";

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Checks `X-Gitea-Signature` / `X-Forgejo-Signature`: the bare hex HMAC-SHA256 of the raw body bytes
 * (no `sha256=` prefix, unlike GitHub). Compared in constant time.
 */
export function verifyGiteaSignature(secret: string, rawBody: Uint8Array, signature: string): boolean {
  // Buffer.from(…, "hex") silently drops bad digits, so anything but 64 hex digits is refused first.
  if (!HEX_SHA256.test(signature)) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(signature, "hex"));
}
