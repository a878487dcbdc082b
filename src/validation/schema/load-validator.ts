import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/**
 * Schemas come from the `kubernetes-models` package: one class per built-in kind, generated from the
 * Kubernetes OpenAPI spec, whose `validate()` runs a precompiled ajv validator. A kind's module (and the
 * schema modules it imports) is loaded only when an object of that kind is validated.
 */

/** An ajv error object as produced by the precompiled validators. */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** Validates `data` and returns its errors (empty when valid). `data` is passed as `this`, never copied. */
export type KindValidator = (data: object) => SchemaError[];

const require = createRequire(import.meta.url);
const cache = new Map<string, KindValidator | null>();

const API_VERSION = /^(?:[a-z0-9]([a-z0-9.-]*[a-z0-9])?\/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

/** File of the `kubernetes-models` module for a kind, when the package has one. */
function modulePath(apiVersion: string, kind: string): string | undefined {
  if (!API_VERSION.test(apiVersion) || !KIND.test(kind)) return undefined;
  try {
    const file = fileURLToPath(import.meta.resolve(`kubernetes-models/${apiVersion}/${kind}`));
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined; // not exported: unknown group or version
  }
}

/** Whether `kubernetes-models` knows the kind (a built-in Kubernetes API), without loading it. */
export function hasSchema(apiVersion: string, kind: string): boolean {
  return modulePath(apiVersion, kind) !== undefined;
}

interface ModelClass {
  apiVersion?: string;
  kind?: string;
  prototype: { validate(this: object): void };
}

/** The validator for a kind, or null when no schema is known. Loaded once per kind. */
export function kindValidator(apiVersion: string, kind: string): KindValidator | null {
  const key = `${apiVersion} ${kind}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  let validator: KindValidator | null = null;
  const file = modulePath(apiVersion, kind);
  if (file) {
    const cls = (require(file) as Record<string, ModelClass | undefined>)[kind];
    // Only top-level kinds carry apiVersion/kind; nested types such as `DeploymentSpec` do not.
    if (cls && cls.apiVersion === apiVersion && cls.kind === kind) validator = wrap(cls);
  }
  cache.set(key, validator);
  return validator;
}

function wrap(cls: ModelClass): KindValidator {
  return (data) => {
    try {
      cls.prototype.validate.call(data);
      return [];
    } catch (err) {
      const errors = (err as { errors?: unknown }).errors;
      if (Array.isArray(errors)) return errors as SchemaError[];
      throw err;
    }
  };
}
