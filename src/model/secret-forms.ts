import type { KubeObject } from "./kube-object.js";

/** A v1 Secret: the only kind whose values are masked by kind. */
export function isSecret(obj: KubeObject | undefined): obj is KubeObject {
  return obj?.kind === "Secret" && obj.apiVersion === "v1";
}

function stringValues(map: unknown): string[] {
  if (map === null || typeof map !== "object") return [];
  return Object.values(map).filter((v): v is string => typeof v === "string" && v.length > 0);
}

/**
 * Every form in which a Secret's values may show up in a text: `data` as stored (base64) and decoded,
 * `stringData` as written and encoded, and each of those as Go's %q and JSON quote them. Longest first,
 * so a value that contains another is replaced whole. Empty for anything but a v1 Secret.
 */
export function secretForms(obj: KubeObject | undefined): string[] {
  if (!isSecret(obj)) return [];
  const forms = new Set<string>();
  for (const encoded of stringValues(obj.data)) {
    forms.add(encoded);
    forms.add(Buffer.from(encoded, "base64").toString("utf8"));
  }
  for (const plain of stringValues(obj.stringData)) {
    forms.add(plain);
    forms.add(Buffer.from(plain, "utf8").toString("base64"));
  }
  for (const form of [...forms]) forms.add(JSON.stringify(form).slice(1, -1));
  return [...forms].filter((form) => form.length > 0).sort((a, b) => b.length - a.length);
}
