import type { Document, LineCounter } from "yaml";
import { ZakenakError } from "../errors.js";
import { findDuplicateKeys } from "./find-duplicate-keys.js";
import { yamlLibrary } from "./yaml-library.js";

/** Aliases allowed per document: enough for real configs, far too few for a "billion laughs" bomb. */
export const MAX_ALIASES = 100;

export interface ParsedYaml {
  doc: Document;
  lines: LineCounter;
  /** 1-based line of the node at `path`, or of the nearest parent that exists. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/** Parses one YAML document, throwing a `yaml-invalid` error that names the file and line. */
export function parseYamlDocument(text: string, file: string): ParsedYaml {
  const { LineCounter, parseDocument } = yamlLibrary();
  const lines = new LineCounter();
  // The parser's own duplicate-key check is quadratic in a mapping's size: `findDuplicateKeys` is not.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line ?? lines.linePos(first.pos[0]).line;
    throw new ZakenakError(
      "yaml-invalid",
      `${file}${line ? `:${line}` : ""}: invalid YAML: ${firstLine(first.message)}`,
    );
  }
  const dup = findDuplicateKeys(doc, lines)[0];
  if (dup) throw new ZakenakError("yaml-invalid", `${file}:${dup.line}: invalid YAML: ${dup.message}`);
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
      const range = (node as { range?: [number, number] } | null | undefined)?.range;
      if (range) return lines.linePos(range[0]).line;
    }
    return undefined;
  };
  return { doc, lines, lineOf };
}

/** Converts a parsed document to plain data, refusing alias bombs with a clear error. */
export function toPlainData(parsed: ParsedYaml, file: string): unknown {
  try {
    return parsed.doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/alias/i.test(msg)) {
      throw new ZakenakError(
        "yaml-invalid",
        `${file}: too many YAML alias expansions (more than ${MAX_ALIASES}); refusing a possible alias bomb`,
      );
    }
    throw new ZakenakError("yaml-invalid", `${file}: invalid YAML: ${firstLine(msg)}`);
  }
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
}
