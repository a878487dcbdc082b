import type { KubeObject } from "../model/kube-object.js";

const MASK = "***";
/** What names an object: the change's heading prints it anyway, so masking it here would hide nothing. */
const IDENTITY = new Set(["apiVersion", "kind", "metadata\0name", "metadata\0namespace"]);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Masks, in both sides of a change to an object that is not a Secret, every string that equals a known
 * Secret value (`known`, decoded) or whose base64 decoding does: a value copied from a Secret into a
 * ConfigMap or a container's environment. A whole-value match is no coincidence, so values of any length
 * are masked here, unlike in free text (see `createRedactor`). A value that changed between two known
 * values becomes `*** (before)` / `*** (after)`, so the change still shows. Returns the inputs themselves
 * when nothing matched, copies otherwise.
 */
export function maskSecretValues(
  before: KubeObject | undefined,
  after: KubeObject | undefined,
  known: ReadonlySet<string>,
): [KubeObject | undefined, KubeObject | undefined] {
  if (known.size === 0) return [before, after];
  const isKnown = (s: string) =>
    known.has(s) || (s.length > 0 && BASE64.test(s) && known.has(Buffer.from(s, "base64").toString("utf8")));
  const walk = (node: unknown, other: unknown, side: string, path: string): unknown => {
    if (IDENTITY.has(path)) return node;
    if (typeof node === "string") {
      if (!isKnown(node)) return node;
      return typeof other === "string" && other !== node ? `${MASK} (${side})` : MASK;
    }
    if (node === null || typeof node !== "object") return node;
    const pairOf = (key: string | number) =>
      other !== null && typeof other === "object" ? (other as Record<string, unknown>)[key] : undefined;
    let copy: Record<string, unknown> | unknown[] | undefined;
    for (const [key, value] of Object.entries(node)) {
      const k = Array.isArray(node) ? Number(key) : key;
      const masked = walk(value, pairOf(k), side, path === "" ? key : `${path}\0${key}`);
      if (masked === value) continue;
      copy ??= Array.isArray(node) ? [...node] : { ...node };
      (copy as Record<string, unknown>)[key] = masked;
    }
    return copy ?? node;
  };
  return [
    before && (walk(before, after, "before", "") as KubeObject),
    after && (walk(after, before, "after", "") as KubeObject),
  ];
}
