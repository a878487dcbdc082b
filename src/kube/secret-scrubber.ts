import type { KubeObject } from "../planning/types.js";

export type Scrubber = (text: string) => string;

/** For requests that carry no Secret. */
export const identityScrubber: Scrubber = (text) => text;

function isSecret(obj: KubeObject | undefined): boolean {
  return obj?.kind === "Secret" && obj.apiVersion === "v1";
}

function stringValues(map: unknown): string[] {
  if (map === null || typeof map !== "object") return [];
  return Object.values(map).filter((v): v is string => typeof v === "string" && v.length > 0);
}

/** Every form in which a Secret value may come back in a server message. */
function secretForms(obj: KubeObject): string[] {
  const forms = new Set<string>();
  for (const encoded of stringValues(obj.data)) {
    forms.add(encoded);
    const decoded = Buffer.from(encoded, "base64").toString("utf8");
    // Binary values do not survive a UTF-8 round trip; the server cannot echo them as text either.
    if (decoded.length > 0 && !decoded.includes("\uFFFD")) forms.add(decoded);
  }
  for (const plain of stringValues(obj.stringData)) {
    forms.add(plain);
    forms.add(Buffer.from(plain, "utf8").toString("base64"));
  }
  // Go's %q and JSON escape newlines and quotes the same way, and servers quote values with %q.
  for (const form of [...forms]) forms.add(JSON.stringify(form).slice(1, -1));
  return [...forms].filter((form) => form.length > 0).sort((a, b) => b.length - a.length);
}

/**
 * For a Secret, a function that replaces every data/stringData value (encoded or decoded) with `***`;
 * for anything else, the identity. Server messages about a rejected Secret may quote its values.
 */
export function secretScrubber(obj: KubeObject | undefined): Scrubber {
  if (!obj || !isSecret(obj)) return identityScrubber;
  const forms = secretForms(obj);
  if (forms.length === 0) return identityScrubber;
  // Longest first, so a value that contains another is masked whole.
  return (text) => forms.reduce((out, form) => out.replaceAll(form, "***"), text);
}
