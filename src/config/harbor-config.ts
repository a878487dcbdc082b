import { z } from "zod";

/** Severities as the configuration spells them, lowest first; Harbor's names are these, capitalized. */
const SEVERITIES = ["none", "unknown", "negligible", "low", "medium", "high", "critical"] as const;

const environmentPolicy = z.strictObject({
  /** The worst vulnerability severity an image may have; unset: vulnerabilities are not checked. */
  maxSeverity: z.enum(SEVERITIES).optional(),
  /** Images must carry a cosign or notation signature in Harbor. */
  requireSignature: z.boolean().default(false),
});

/**
 * A registry that is a Harbor: where its API is, and what each environment accepts of its artifacts'
 * scans and signatures. `*` is the policy of environments not named.
 */
export const harborSchema = z.strictObject({
  /** Harbor's base URL; default `https://<host>` (`http://` with `plainHttp`). */
  url: z
    .string()
    .regex(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/, "must be an http(s) URL without query or fragment")
    .optional(),
  policy: z
    .record(
      z.string().regex(/^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$/, "must be an environment name or *"),
      environmentPolicy,
    )
    .default({}),
});

export type HarborConfig = z.infer<typeof harborSchema>;
