import type { SecretHit } from "./secret-hit.js";
import { shannonEntropy } from "./shannon-entropy.js";

/** Key names that hold secrets, as gitleaks' generic rule and secretlint's AWS rule spell them. */
const KEY_WORD =
  "(?:pass(?:word|wd|phrase)|pwd|secret|token|api[_.-]?key|(?:access|private|account|shared[_.-]?access|signing|encryption|master)[_.-]?key|credentials?)";
/** A cheap test run first, so the full pattern only sees lines that could match. */
const MAY_HOLD_KEY = /pass|pwd|secret|token|key|credential/i;
/**
 * A value: the characters of tokens and passwords, ending where a quote, a separator, a comment or the
 * line does. Calls, indexing and expressions (`randomBytes(32)`, `url.password ?`) stop at a character
 * outside the set that is no terminator, so code that handles a secret is not taken for one.
 */
const VALUE = "[\"'`]?([A-Za-z0-9_.=+/~!@%*^-]+)(?=[\\s\"'`,;#]|$)";
/** `key: value`, `"key": "value"`, `KEY=value`, `--key=value`, `key := value`, `key => value`. */
const ASSIGNMENT = new RegExp(
  `(?<![A-Za-z0-9_./-])(["']?)([A-Za-z0-9_.-]{0,40}${KEY_WORD}[A-Za-z0-9_.-]{0,40})\\1[ \\t]*(?::=|=>|:|=)[ \\t]*${VALUE}`,
  "gi",
);
/** A Kubernetes env entry's name line, whose value sits on the next line. */
const ENV_NAME = new RegExp(
  `^\\s*(?:-\\s+)?name:\\s*["']?([A-Za-z0-9_.-]*${KEY_WORD}[A-Za-z0-9_.-]*)["']?\\s*$`,
  "i",
);
const ENV_VALUE = new RegExp(`^\\s*value:[ \\t]*${VALUE}`);

/** gitleaks' generic-api-key threshold: random tokens score 4 to 6, words and names under 3.5. */
const MIN_ENTROPY = 3.5;
const MIN_LENGTH = 12;
const MAX_LENGTH = 256;
/** References and expressions rather than values: templates, variables, tags, paths, lists, maps. */
const REFERENCE = /^(?:[$%@<({[*!&~/]|ENC\[|(?:sha1|sha256|sha384|sha512|md5):)|:\/\/|\{\{|\$\{/i;
/** Names (`my-app-credentials`, `DB_PASSWORD_FILE`) and placeholders are no secrets. */
const NAME = /^[A-Za-z]+(?:[._-][A-Za-z]+)*$/;
const PLACEHOLDER = /example|placeholder|change[-_]?me|redacted|dummy|replace[-_]?me|your[-_]|xxxx|\*\*\*/i;

/**
 * High-entropy values assigned to secret-like keys (password, secret, token, api_key, access key…):
 * what no provider pattern knows, such as a database password or an in-house token. Low-entropy values,
 * names, references and placeholders are left alone so that a values file full of `existingSecret:
 * my-secret` stays quiet.
 */
export function secretLikeKeys(lines: readonly string[]): SecretHit[] {
  const hits: SecretHit[] = [];
  lines.forEach((line, i) => {
    if (!MAY_HOLD_KEY.test(line)) return;
    for (const m of line.matchAll(ASSIGNMENT)) {
      const [, , key = "", value = ""] = m;
      if (looksSecret(value)) hits.push({ line: i + 1, endLine: i + 1, what: underKey(key) });
    }
    const name = ENV_NAME.exec(line)?.[1];
    const next = lines[i + 1];
    const value = name && next !== undefined ? ENV_VALUE.exec(next)?.[1] : undefined;
    if (name && value && looksSecret(value)) hits.push({ line: i + 2, endLine: i + 2, what: underKey(name) });
  });
  return hits;
}

function looksSecret(value: string): boolean {
  if (value.length < MIN_LENGTH || value.length > MAX_LENGTH) return false;
  if (REFERENCE.test(value) || NAME.test(value) || PLACEHOLDER.test(value)) return false;
  return shannonEntropy(value) >= MIN_ENTROPY;
}

function underKey(key: string): string {
  return `a high-entropy value assigned to ${key}`;
}
