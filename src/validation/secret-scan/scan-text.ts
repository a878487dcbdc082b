import { extname } from "node:path";
import { lintSource } from "@secretlint/core";
import { lineIndex } from "./line-index.js";
import { privateKeyBlocks } from "./private-key-blocks.js";
import type { SecretHit } from "./secret-hit.js";
import { secretLikeKeys } from "./secret-like-keys.js";
import { SECRETLINT_RULES, secretlintLabel } from "./secretlint-rules.js";

/**
 * Every secret in one file's text, at most one per starting line: secretlint's recommended rules
 * (private keys, cloud and Git-host tokens, connection strings with passwords…) first, then the two
 * checks they lack (short private keys, high-entropy values under secret-like keys). Hits carry no
 * value: secretlint's own messages, which quote it, are never used.
 */
export async function scanText(path: string, text: string): Promise<SecretHit[]> {
  const result = await lintSource({
    source: { filePath: path, content: text, ext: extname(path), contentType: "text" },
    options: {
      // Defence in depth: nothing reads the messages' data, and masked it holds nothing to leak.
      maskSecrets: true,
      noPhysicFilePath: true,
      config: { rules: [...SECRETLINT_RULES] },
    },
  });
  const hits: SecretHit[] = result.messages.map((m) => ({
    line: m.loc.start.line,
    endLine: m.loc.end.line,
    what: secretlintLabel(m.ruleId, m.messageId),
  }));
  const lineOf = lineIndex(text);
  hits.push(...privateKeyBlocks(text, lineOf), ...secretLikeKeys(text.split("\n")));
  const byLine = new Map<number, SecretHit>();
  for (const hit of hits) if (!byLine.has(hit.line)) byLine.set(hit.line, hit);
  return [...byLine.values()].sort((a, b) => a.line - b.line);
}
