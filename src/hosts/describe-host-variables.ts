import type { HostVariable } from "./host-descriptor.js";

/**
 * A host's variables as messages name them: `sentence` gives every spelling
 * (`APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET`), `slashes` and `list` the first
 * spelling of each (`APP_ID/PRIVATE_KEY/WEBHOOK_SECRET`, `APP_ID, PRIVATE_KEY, WEBHOOK_SECRET`).
 */
export function describeHostVariables(
  variables: readonly HostVariable[],
  style: "sentence" | "slashes" | "list",
): string {
  const first = variables.map((v) => (typeof v === "string" ? v : v[0]));
  if (style === "slashes") return first.join("/");
  if (style === "list") return first.join(", ");
  const spelled = variables.map((v) =>
    typeof v === "string" ? v : `${v[0]}${v.length > 1 ? ` (or ${v.slice(1).join(" or ")})` : ""}`,
  );
  const last = spelled.pop();
  return spelled.length === 0 ? (last ?? "") : `${spelled.join(", ")} and ${last}`;
}
