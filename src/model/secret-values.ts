import type { KubeObject } from "./kube-object.js";
import { isSecret } from "./secret-forms.js";

/**
 * The values of every v1 Secret among `objects` as a program reads them: `data` decoded from base64,
 * `stringData` as written. Empty values are left out: an empty string says nothing secret.
 */
export function secretValues(objects: Iterable<KubeObject | undefined>): Set<string> {
  const values = new Set<string>();
  for (const obj of objects) {
    if (!isSecret(obj)) continue;
    for (const [field, decode] of [
      ["data", true],
      ["stringData", false],
    ] as const) {
      const map = obj[field];
      if (map === null || typeof map !== "object") continue;
      for (const v of Object.values(map)) {
        if (typeof v !== "string") continue;
        const value = decode ? Buffer.from(v, "base64").toString("utf8") : v;
        if (value.length > 0) values.add(value);
      }
    }
  }
  return values;
}
