import type { Finding } from "../../model/finding.js";
import type { RenderedObject } from "../../model/kube-object.js";
import { finding } from "../objects.js";
import { formatSchemaErrors, unknownFieldMessage } from "../schema/format-errors.js";
import { kindValidator } from "../schema/load-validator.js";
import { trackFields } from "../schema/track-fields.js";

/**
 * `schema`: built-in kinds checked against the Kubernetes OpenAPI schema (from `kubernetes-models`), plus
 * unknown fields. Kinds without a schema get one `unknown-kind` warning instead.
 */
export function schema(item: RenderedObject): Finding[] {
  const { object } = item;
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== "string" || typeof kind !== "string" || apiVersion === "" || kind === "") {
    const missing = typeof apiVersion !== "string" || apiVersion === "" ? "apiVersion" : "kind";
    return [finding("schema", item, `missing required field ${missing}`)];
  }
  const validate = kindValidator(apiVersion, kind);
  if (!validate) {
    return [finding("unknown-kind", item, `no schema for ${apiVersion} ${kind}; not validated`)];
  }
  const tracker = trackFields(object);
  let messages: string[];
  try {
    messages = formatSchemaErrors(object, validate(tracker.root));
  } catch (err) {
    const name = err instanceof Error ? err.name : "error";
    return [finding("schema", item, `${apiVersion} ${kind} could not be validated (${name})`)];
  }
  for (const keys of tracker.unknownFields()) messages.push(unknownFieldMessage(object, keys));
  return messages.map((message) => finding("schema", item, message));
}
