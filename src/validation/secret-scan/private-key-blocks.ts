import type { SecretHit } from "./secret-hit.js";

/**
 * A PEM block of any private key: plain or encrypted, PKCS#1, PKCS#8, SEC1, OpenSSH, PGP. Bodies are
 * bounded so a BEGIN line without an END costs a bounded look-ahead, not a scan to the end of the file.
 */
const BLOCK =
  /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----([\s\S]{0,20000}?)-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/g;

/** Base64 characters a real key body has at least: an Ed25519 PKCS#8 key has 64. */
const MIN_BODY_CHARS = 40;

/**
 * Private key blocks with a real body. secretlint's private key rule asks for 100 base64 characters,
 * which lets an Ed25519 or X25519 key (64) through; placeholders (`...`, `<key>`) still do not count:
 * the body, with PEM header lines and YAML/JSON line breaks taken out, must be base64 only.
 */
export function privateKeyBlocks(text: string, lineOf: (offset: number) => number): SecretHit[] {
  const hits: SecretHit[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const body = (match[1] ?? "")
      .split(/\r?\n|\\r\\n|\\n/)
      .filter((l) => !l.includes(":"))
      .join("")
      .replace(/[\s"',\\]/g, "");
    if (body.length < MIN_BODY_CHARS || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) continue;
    const start = match.index;
    hits.push({ line: lineOf(start), endLine: lineOf(start + match[0].length), what: "a private key" });
  }
  return hits;
}
