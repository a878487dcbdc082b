import type { KubeObject } from "../model/kube-object.js";
import { secretForms } from "../model/secret-forms.js";

/**
 * Shorter values are too likely to occur by chance in ordinary text to be worth redacting (a Secret
 * holding "1" would turn every 1 into ***). Objects in diffs do not depend on this: there a string that
 * equals a Secret value as a whole is masked whatever its length (`maskSecretValues`), so a short value
 * can still show only in free text such as a server's error message.
 */
const MIN_LENGTH = 4;

export type Redact = (text: string) => string;

/**
 * Builds a function that replaces every known Secret value (each of its `secretForms`) in a text with
 * `***`. A second line of defence for texts that do not come from a masked object: tool error messages,
 * findings, whole reports.
 */
export function createRedactor(objects: Iterable<KubeObject>): Redact {
  const values = new Set<string>();
  const add = (v: string) => {
    for (const line of v.split("\n")) if (line.trim().length >= MIN_LENGTH) values.add(line.trim());
  };
  for (const obj of objects) for (const form of secretForms(obj)) add(form);
  if (values.size === 0) return (text) => text;
  // Longest first, so a value that contains another is replaced whole.
  const sorted = [...values].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(sorted.map(escapeRegExp).join("|"), "g");
  return (text) => text.replace(pattern, "***");
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
