import { verifyHmacSha256 } from "../shared/verify-hmac-sha256.js";

/**
 * Checks `X-Gitea-Signature` / `X-Forgejo-Signature`: the bare hex HMAC-SHA256 of the raw body bytes
 * (no `sha256=` prefix, unlike GitHub and Bitbucket).
 */
export function verifyGiteaSignature(secret: string, rawBody: Uint8Array, signature: string): boolean {
  return verifyHmacSha256(secret, rawBody, signature);
}
