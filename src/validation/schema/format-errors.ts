import type { SchemaError } from "./load-validator.js";

/**
 * Human messages for schema errors. They are built from the error's keyword, path and schema parameters
 * only, never from the offending value, so nothing from a Secret's data can leak into a finding.
 */

const SIMPLE_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `spec.template.spec.containers[0].image`: array indexes as `[i]`, odd keys as `["a.b/c"]`. */
export function fieldPath(data: unknown, keys: string[]): string {
  let out = "";
  let node = data;
  for (const key of keys) {
    if (Array.isArray(node)) out += `[${key}]`;
    else if (SIMPLE_KEY.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
    node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return out;
}

function pointerKeys(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "a boolean",
  object: "an object",
  array: "an array",
};

const FORMATS: Record<string, string> = {
  int32: "must be a 32-bit integer",
  int64: "must be a 64-bit integer",
  double: "must be a number",
  byte: "must be base64-encoded",
  "date-time": "must be an RFC 3339 date-time",
  quantity: "must be a quantity such as 500m, 2 or 1Gi",
};

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function valueAt(data: unknown, keys: string[]): unknown {
  let node = data;
  for (const key of keys) {
    node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

function typeMessage(types: string[], got: unknown): string {
  const names = [...new Set(types)].map((t) => TYPE_NAMES[t] ?? t);
  return `must be ${names.join(" or ")} (got ${describeType(got)})`;
}

function oneMessage(err: SchemaError, got: unknown): string {
  const p = err.params;
  switch (err.keyword) {
    case "type":
      return typeMessage([String(p.type)], got);
    case "enum":
      return `must be one of ${(Array.isArray(p.allowedValues) ? p.allowedValues : []).join(", ")}`;
    case "format":
      return FORMATS[String(p.format)] ?? `must match format ${String(p.format)}`;
    default:
      return `does not satisfy the schema (${err.keyword})`;
  }
}

/** One message per distinct problem; `oneOf` branches (IntOrString, Quantity) are merged into one. */
export function formatSchemaErrors(data: unknown, errors: SchemaError[]): string[] {
  const byPath = new Map<string, SchemaError[]>();
  for (const err of errors) {
    const list = byPath.get(err.instancePath) ?? [];
    list.push(err);
    byPath.set(err.instancePath, list);
  }
  const messages: string[] = [];
  for (const [pointer, errs] of byPath) {
    const keys = pointerKeys(pointer);
    const path = fieldPath(data, keys);
    const got = valueAt(data, keys);
    for (const err of errs.filter((e) => e.keyword === "required")) {
      const missing = String(err.params.missingProperty);
      messages.push(`missing required field ${fieldPath(data, [...keys, missing])}`);
    }
    const rest = errs.filter((e) => e.keyword !== "required");
    if (rest.length === 0) continue;
    const where = path === "" ? "(object)" : path;
    if (rest.some((e) => e.keyword === "oneOf" || e.keyword === "anyOf")) {
      const format = rest.find((e) => e.keyword === "format");
      const types = rest.filter((e) => e.keyword === "type").map((e) => String(e.params.type));
      const message = format
        ? oneMessage(format, got)
        : types.length > 0
          ? typeMessage(types, got)
          : "matches none of the allowed forms";
      messages.push(`${where}: ${message}`);
      continue;
    }
    for (const err of rest) messages.push(`${where}: ${oneMessage(err, got)}`);
  }
  return [...new Set(messages)];
}

export function unknownFieldMessage(data: unknown, keys: string[]): string {
  return `unknown field ${fieldPath(data, keys)}`;
}
