import { findDuplicateKeys } from "../../config/find-duplicate-keys.js";
import { MAX_ALIASES } from "../../config/parse-yaml-document.js";
import { parsePlainYaml } from "../../config/plain-yaml.js";
import { yamlLibrary } from "../../config/yaml-library.js";
import { isClusterScoped } from "../../kube/cluster-scoped-kinds.js";
import type { Finding } from "../../model/finding.js";
import type { KubeObject, RenderedObject } from "../../model/kube-object.js";

/** Repeated keys reported one by one per document; beyond these, one finding counts the rest. */
const MAX_DUPLICATE_FINDINGS = 20;

export interface ParsedManifests {
  objects: RenderedObject[];
  findings: Finding[];
}

export interface ParseOptions {
  release: string;
  /** File the text came from, relative to the repository root. */
  file: string;
  /** Namespace given to namespaced objects that name none (the release's namespace). */
  namespace?: string;
  /** Maps a document to the file it came from (Helm's `# Source:` comments). */
  sourceOf?: (docText: string) => string | undefined;
}

/**
 * Parses a multi-document YAML stream into objects. Syntax errors, alias bombs and documents that are
 * not Kubernetes objects become findings with file and line, so one bad file does not hide the rest.
 */
export function parseManifests(text: string, opts: ParseOptions): ParsedManifests {
  const out: ParsedManifests = { objects: [], findings: [] };
  // Plain manifests (nearly all) are read by the fast reader; anything else by the full parser, whose
  // messages and lines the findings carry.
  const plain = parsePlainYaml(text);
  if (plain) {
    // Lines counted as the full parser counts them: one more than the line breaks before the offset.
    let line = 1;
    let counted = 0;
    for (const doc of plain) {
      if (doc.data === undefined || doc.data === null) continue;
      const file = opts.sourceOf?.(text.slice(doc.start, doc.end)) ?? opts.file;
      for (let i = text.indexOf("\n", counted); i >= 0 && i < doc.start; i = text.indexOf("\n", i + 1))
        line++;
      counted = doc.start;
      addObjects(out, doc.data, file, opts.sourceOf ? undefined : line, opts);
    }
    return out;
  }
  const { LineCounter, parseAllDocuments } = yamlLibrary();
  const lines = new LineCounter();
  // The parser's own duplicate-key check is quadratic in a mapping's size: `findDuplicateKeys` is not.
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false });
  for (const doc of docs) {
    const start = doc.range[0];
    const docText = text.slice(start, doc.range[2]);
    const file = opts.sourceOf?.(docText) ?? opts.file;
    const line = opts.sourceOf ? undefined : lines.linePos(start).line;
    const err = doc.errors[0];
    if (err) {
      const at = err.linePos?.[0]?.line ?? line;
      out.findings.push(
        syntax(file, opts.sourceOf ? undefined : at, err.message.split("\n")[0] ?? err.message),
      );
      continue;
    }
    const duplicates = findDuplicateKeys(doc, lines);
    if (duplicates.length > 0) {
      for (const d of duplicates.slice(0, MAX_DUPLICATE_FINDINGS)) {
        out.findings.push(syntax(file, opts.sourceOf ? undefined : d.line, d.message));
      }
      const more = duplicates.length - MAX_DUPLICATE_FINDINGS;
      if (more > 0) out.findings.push(syntax(file, line, `${more} more repeated keys in this document`));
      continue;
    }
    if (doc.contents === null) continue;
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const text = /alias/i.test(msg)
        ? `too many YAML alias expansions (more than ${MAX_ALIASES}); refusing a possible alias bomb`
        : (msg.split("\n")[0] ?? msg);
      out.findings.push(syntax(file, line, text));
      continue;
    }
    if (data === null || data === undefined) continue;
    addObjects(out, data, file, line, opts);
  }
  return out;
}

/** The objects of one document (a `List`'s items), or a finding for what is not an object. */
function addObjects(
  out: ParsedManifests,
  data: unknown,
  file: string,
  line: number | undefined,
  opts: ParseOptions,
): void {
  for (const obj of expandList(data)) {
    const problem = notAnObject(obj);
    if (problem) {
      out.findings.push({ rule: "invalid-object", severity: "error", file, line, message: problem });
      continue;
    }
    const o = obj as KubeObject;
    if (opts.namespace && !o.metadata.namespace && !isClusterScoped(o.apiVersion, o.kind)) {
      o.metadata.namespace = opts.namespace;
    }
    out.objects.push({ object: o, release: opts.release, file, ...(line ? { line } : {}) });
  }
}

function syntax(file: string, line: number | undefined, message: string): Finding {
  return {
    rule: "yaml-syntax",
    severity: "error",
    file,
    ...(line ? { line } : {}),
    message: `invalid YAML: ${message}`,
  };
}

function expandList(data: unknown): unknown[] {
  const d = data as { kind?: unknown; items?: unknown };
  if (
    d &&
    typeof d === "object" &&
    typeof d.kind === "string" &&
    d.kind.endsWith("List") &&
    Array.isArray(d.items)
  ) {
    return d.items;
  }
  return [data];
}

function notAnObject(v: unknown): string | undefined {
  if (!v || typeof v !== "object" || Array.isArray(v))
    return "document is not a Kubernetes object (expected a mapping)";
  const o = v as Record<string, unknown>;
  if (typeof o.apiVersion !== "string" || !o.apiVersion) return "object has no apiVersion";
  if (typeof o.kind !== "string" || !o.kind) return "object has no kind";
  const meta = o.metadata as Record<string, unknown> | undefined;
  if (!meta || typeof meta !== "object" || Array.isArray(meta)) return `${o.kind} has no metadata`;
  if (typeof meta.name !== "string" || !meta.name) {
    return typeof meta.generateName === "string"
      ? `${o.kind} uses generateName, which GitOps cannot track`
      : `${o.kind} has no metadata.name`;
  }
  return undefined;
}
