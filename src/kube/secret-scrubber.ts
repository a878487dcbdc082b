import type { KubeObject } from "../model/kube-object.js";
import { secretForms } from "../model/secret-forms.js";

export type Scrubber = (text: string) => string;

/** For requests that carry no Secret. */
export const identityScrubber: Scrubber = (text) => text;

/**
 * For a Secret, a function that replaces every data/stringData value (encoded or decoded) with `***`;
 * for anything else, the identity. Server messages about a rejected Secret may quote its values.
 */
export function secretScrubber(obj: KubeObject | undefined): Scrubber {
  const forms = secretForms(obj);
  if (forms.length === 0) return identityScrubber;
  // Longest first, so a value that contains another is masked whole.
  return (text) => forms.reduce((out, form) => out.replaceAll(form, "***"), text);
}
