/** The rules the image check reports under; all of them `off` turns the lookups off. */
export const IMAGE_RULES = [
  "image-missing",
  "image-registry-auth",
  "image-registry-credentials",
  "image-registry-unreachable",
  "image-pull-secret",
  "image-vulnerabilities",
  "image-unsigned",
  "image-not-scanned",
] as const;

export type ImageRule = (typeof IMAGE_RULES)[number];

/** One distinct image of an environment's plan and what its registry said: the plan's record of digests. */
export interface ImageRecord {
  /** As written in the manifest. */
  image: string;
  /** Null when the reference is not valid. */
  registry: string | null;
  repository: string | null;
  /** The manifest digest the registry gave, when it was found. */
  digest: string | null;
  status:
    | "found"
    | "missing"
    | "refused"
    | "needs-credentials"
    | "unreachable"
    | "not-allowed"
    | "invalid"
    | "unchecked";
}
