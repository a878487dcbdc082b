import { structuredPatch } from "diff";
import { yamlLibrary } from "../config/yaml-library.js";
import type { KubeObject } from "../model/kube-object.js";
import { objectKey } from "../model/object-key.js";
import { maskSecretPair } from "./mask-secrets.js";
import { printPlainYaml } from "./print-yaml.js";
import type { ObjectChange } from "./types.js";

/** Lines of context around each change in a diff. */
const CONTEXT = 3;

/**
 * Compares two sets of objects matched by group/kind/namespace/name. Key order never makes a change;
 * Secret values, and copies of the `known` ones (decoded Secret values) elsewhere, are masked before
 * anything is printed.
 */
export function diffObjects(
  before: readonly KubeObject[],
  after: readonly KubeObject[],
  known?: ReadonlySet<string>,
  opts: { text?: boolean } = {},
): { changes: ObjectChange[]; unchanged: number } {
  if (opts.text === false) return countChanges(before, after);
  const old = new Map(before.map((o) => [objectKey(o), o]));
  const changes: ObjectChange[] = [];
  let unchanged = 0;
  const seen = new Set<string>();
  for (const obj of after) {
    const key = objectKey(obj);
    seen.add(key);
    const prev = old.get(key);
    // Most objects are unchanged: compare them as data, and print YAML only for the ones that differ.
    if (prev && sameValue(prev, obj)) {
      unchanged++;
      continue;
    }
    const oldText = prev ? toYaml(prev) : "";
    const newText = toYaml(obj);
    if (prev && oldText === newText) {
      unchanged++;
      continue;
    }
    const [b, a] = maskSecretPair(prev, obj, known);
    // Masking copies only what it changed; anything else prints as already printed.
    const before = b === prev ? oldText : b ? toYaml(b) : "";
    const after = a === obj ? newText : toYaml(a as KubeObject);
    changes.push(change(prev ? "update" : "create", obj, before, after));
  }
  for (const [key, prev] of old) {
    if (seen.has(key)) continue;
    const [b] = maskSecretPair(prev, undefined, known);
    changes.push(change("delete", prev, toYaml(b as KubeObject), ""));
  }
  return { changes, unchanged };
}

/** What changed, without printing anything: for `validate`, which shows counts and findings only. */
function countChanges(
  before: readonly KubeObject[],
  after: readonly KubeObject[],
): { changes: ObjectChange[]; unchanged: number } {
  const old = new Map(before.map((o) => [objectKey(o), o]));
  const changes: ObjectChange[] = [];
  let unchanged = 0;
  for (const obj of after) {
    const prev = old.get(objectKey(obj));
    old.delete(objectKey(obj));
    if (prev && sameValue(prev, obj)) unchanged++;
    else changes.push(change(prev ? "update" : "create", obj, "", ""));
  }
  for (const prev of old.values()) changes.push(change("delete", prev, "", ""));
  return { changes, unchanged };
}

/**
 * Deep equality of plain data whatever the key order, as equal YAML would say: a key holding `undefined`
 * counts as absent (YAML leaves it out), and numbers compare like `Object.is` (YAML prints -0 and NaN).
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((v, i) => sameValue(v, other[i]));
  }
  if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) {
    return false; // Dates, Maps...: left to the YAML comparison
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x).filter((k) => x[k] !== undefined);
  if (keys.length !== Object.keys(y).filter((k) => y[k] !== undefined).length) return false;
  return keys.every((k) => Object.hasOwn(y, k) && sameValue(x[k], y[k]));
}

/** YAML with keys sorted at every level, so equal objects print equally. */
export function toYaml(obj: unknown): string {
  // Plain objects (nearly all) print without the library's document of nodes: the same text, faster.
  return printPlainYaml(obj) ?? yamlLibrary().stringify(obj, { sortMapEntries: true, lineWidth: 0 });
}

/** Unified diff hunks (no file headers) between two texts. */
export function unifiedDiff(oldText: string, newText: string): string {
  // A created or deleted object is one hunk of all its lines: no need to search for a shortest edit.
  if (oldText === "" && wholeLines(newText)) return oneSidedHunk("+", newText);
  if (newText === "" && wholeLines(oldText)) return oneSidedHunk("-", oldText);
  const patch = structuredPatch("before", "after", oldText, newText, "", "", { context: CONTEXT });
  return patch.hunks
    .map((h) => `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@\n${h.lines.join("\n")}`)
    .join("\n");
}

/** Text that ends in a newline and has no carriage return: what `toYaml` prints. */
function wholeLines(text: string): boolean {
  return text.endsWith("\n") && !text.includes("\r");
}

/** The hunk `structuredPatch` gives between nothing and `text`: `@@ -1,0 +1,N @@`, or the reverse. */
function oneSidedHunk(sign: "+" | "-", text: string): string {
  const lines = text.slice(0, -1).split("\n");
  const range = sign === "+" ? `-1,0 +1,${lines.length}` : `-1,${lines.length} +1,0`;
  return `@@ ${range} @@\n${sign}${lines.join(`\n${sign}`)}`;
}

function change(
  action: ObjectChange["action"],
  obj: KubeObject,
  oldText: string,
  newText: string,
): ObjectChange {
  return {
    action,
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    name: obj.metadata.name ?? "",
    diff: unifiedDiff(oldText, newText),
  };
}
