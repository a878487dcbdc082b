import { rules as recommended } from "@secretlint/secretlint-rule-preset-recommend";
import { withArticle } from "./secret-hit.js";

type RuleCreator = (typeof recommended)[number];

/** What `lintSource` takes as its rule list. */
export interface SecretlintRule {
  id: string;
  rule: RuleCreator;
  options?: Record<string, unknown>;
  allowMessageIds?: string[];
}

/** Per-rule settings on top of the preset's defaults. */
const SETTINGS: Record<string, Omit<SecretlintRule, "id" | "rule">> = {
  // Access key ids (AKIA…) are what gitleaks reports too; account ids are no secret (IRSA role ARNs
  // and annotations name them in every EKS repository).
  "@secretlint/secretlint-rule-aws": {
    options: { enableIDScanRule: true },
    allowMessageIds: ["AWSAccountID"],
  },
};

/**
 * The scanners of secretlint's recommended preset, as single rules. Its filter rules are left out on
 * purpose: they honour `secretlint-disable` comments, which would let a change allowlist itself; the
 * one inline marker Zakenak honours is its own, and the default branch can turn it off.
 */
export const SECRETLINT_RULES: readonly SecretlintRule[] = recommended
  .filter((rule) => rule.meta.type === "scanner")
  .map((rule) => ({ id: rule.meta.id, rule, ...SETTINGS[rule.meta.id] }));

const labels = new Map<string, string>();

/**
 * A printable name for what a secretlint rule found ("a GitHub Token"), taken from the rule's own
 * English message with every placeholder blanked: the found value never reaches the label.
 */
export function secretlintLabel(ruleId: string, messageId: string): string {
  const key = `${ruleId}\n${messageId}`;
  let label = labels.get(key);
  if (label === undefined) {
    label = withArticle(describe(ruleId, messageId));
    labels.set(key, label);
  }
  return label;
}

const BLANK = "\u0000";

function describe(ruleId: string, messageId: string): string {
  const rule = SECRETLINT_RULES.find((r) => r.id === ruleId)?.rule;
  const template = rule?.messages[messageId]?.en;
  const provider = ruleId.replace(/^@secretlint\/secretlint-rule-/, "");
  if (typeof template !== "function") return `${provider} secret (${messageId})`;
  const text = template(new Proxy({}, { get: () => BLANK }));
  // "found GitHub Token(<type>): <value>" → "GitHub Token"
  const phrase = text
    .replace(/^found\s+/i, "")
    .split(BLANK)[0]
    ?.replace(/[\s:(]+$/, "")
    .replace(/(\S)\(/g, "$1 (")
    .trim();
  return phrase ? phrase : `${provider} secret (${messageId})`;
}
