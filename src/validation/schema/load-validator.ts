import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
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

const paths = new Map<string, string | undefined>();

/** File of the `kubernetes-models` module for a kind, when the package has one. Looked up once per kind. */
function modulePath(apiVersion: string, kind: string): string | undefined {
  const key = `${apiVersion} ${kind}`;
  if (paths.has(key)) return paths.get(key);
  let file: string | undefined;
  if (API_VERSION.test(apiVersion) && KIND.test(kind)) {
    try {
      file = fileURLToPath(import.meta.resolve(`kubernetes-models/${apiVersion}/${kind}`));
      if (!existsSync(file)) file = undefined;
    } catch {
      // not exported: unknown group or version
    }
  }
  paths.set(key, file);
  return file;
}

let packageVersion: string | undefined;

/** Version of the `kubernetes-models` package, which findings cached across runs depend on. */
export function schemaPackageVersion(): string {
  if (packageVersion === undefined) {
    const dir = dirname(fileURLToPath(import.meta.resolve("kubernetes-models")));
    packageVersion = String(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version);
  }
  return packageVersion;
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
