/**
 * Unknown-field detection on top of the `kubernetes-models` validators.
 *
 * Those validators follow the Kubernetes OpenAPI schemas, which allow additional properties, so on their own
 * they accept `spec.replica`. The package ships only compiled validators (no JSON schemas to tighten), but
 * the compiled code reads every property its schema lists (`data.replicas !== undefined && ...`) whether the
 * property is present or not. Validating through a Proxy therefore tells, per object, which field names the
 * schema knows:
 * - an object whose properties were read has a schema with `properties`: any other own key is unknown;
 * - an object that was enumerated (`for (k in data)`) is a map (labels, data, resources.limits): any key goes;
 * - an object that was neither read nor enumerated is free-form (RawExtension, JSON, preserve-unknown-fields):
 *   it and everything below it are not checked.
 *
 * The package's generator strips schema annotations (`description`, `x-*`) from its schemas, which also
 * drops properties of those names (CRD `JSONSchemaProps.description`, `x-kubernetes-preserve-unknown-fields`,
 * column `description`...), so those names are never reported as unknown.
 */

const STRIPPED_BY_GENERATOR = (key: string) => key === "description" || key.startsWith("x-");

interface Tracked {
  path: string[];
  target: Record<string, unknown>;
  read: Set<string>;
  enumerated: boolean;
}

export interface FieldTracker {
  /** The object to hand to the validator in place of the original. */
  root: object;
  /** Paths (as key lists) of fields no schema property accounts for. */
  unknownFields(): string[][];
}

export function trackFields(data: object): FieldTracker {
  const records: Tracked[] = [];
  const proxies = new WeakMap<object, object>();

  const wrap = (value: object, path: string[]): object => {
    const existing = proxies.get(value);
    if (existing) return existing;
    const record: Tracked | undefined = Array.isArray(value)
      ? undefined
      : { path, target: value as Record<string, unknown>, read: new Set(), enumerated: false };
    if (record) records.push(record);
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        const child: unknown = Reflect.get(target, key, receiver);
        if (typeof key !== "string") return child;
        record?.read.add(key);
        if (typeof child === "object" && child !== null && Object.hasOwn(target, key)) {
          return wrap(child, [...path, key]);
        }
        return child;
      },
      ownKeys(target) {
        if (record) record.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };

  return {
    root: wrap(data, []),
    unknownFields() {
      const unknown: string[][] = [];
      for (const r of records) {
        if (r.enumerated || r.read.size === 0) continue;
        for (const key of Object.keys(r.target)) {
          if (!r.read.has(key) && !STRIPPED_BY_GENERATOR(key)) unknown.push([...r.path, key]);
        }
      }
      return unknown;
    },
  };
}
