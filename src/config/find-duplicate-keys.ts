import type { Document, LineCounter } from "yaml";
import { yamlLibrary } from "./yaml-library.js";

export interface DuplicateKey {
  /** The repeated key's value as text (shortened when long). */
  key: string;
  /** 1-based line of the repeated key. */
  line: number;
  /** 1-based line of the key's first occurrence in the same mapping. */
  firstLine: number;
  /** One-line description for an error or finding. */
  message: string;
}

const SHOWN_KEY_CHARS = 80;

/**
 * Every key repeated within one mapping of a parsed document, in document order. The `yaml` parser's
 * own check (`uniqueKeys`) compares each new key with all earlier ones, quadratic in a mapping's size;
 * one lookup table per mapping finds the same repeats in linear time. Keys are equal when they are
 * scalars of equal value, as the parser's default check has it; collection keys never repeat.
 */
export function findDuplicateKeys(doc: Document, lines: LineCounter): DuplicateKey[] {
  const { isMap, isNode, isScalar, isSeq } = yamlLibrary();
  const found: { at: number; dup: DuplicateKey }[] = [];
  // An explicit stack, so deeply nested documents cannot overflow the call stack.
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isSeq(node)) {
      for (const item of node.items) if (isNode(item)) stack.push(item);
      continue;
    }
    if (!isMap(node)) continue;
    const first = new Map<unknown, number>();
    for (const pair of node.items) {
      const { key, value } = pair;
      if (isNode(value)) stack.push(value);
      if (!isScalar(key)) {
        if (isNode(key)) stack.push(key);
        continue;
      }
      const at = key.range?.[0] ?? 0;
      const earlier = first.get(key.value);
      if (earlier === undefined) {
        first.set(key.value, at);
        continue;
      }
      const shown = String(key.value);
      const name = shown.length > SHOWN_KEY_CHARS ? `${shown.slice(0, SHOWN_KEY_CHARS)}…` : shown;
      const line = lines.linePos(at).line;
      const firstLine = lines.linePos(earlier).line;
      found.push({
        at,
        dup: {
          key: name,
          line,
          firstLine,
          message: `Map keys must be unique: ${JSON.stringify(name)} is repeated (first at line ${firstLine})`,
        },
      });
    }
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.dup);
}
