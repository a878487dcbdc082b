import type { Finding } from "../../model/finding.js";
import type { RenderedObject } from "../../model/kube-object.js";
import { containersOf, finding, podSpecOf } from "../objects.js";

/** The tag of an image reference, or undefined when it has none; digests count as pinned. */
export function imageTag(image: string): { tag?: string; digest: boolean } {
  if (image.includes("@")) return { digest: true };
  const lastSlash = image.lastIndexOf("/");
  const colon = image.indexOf(":", lastSlash + 1);
  return colon < 0 ? { digest: false } : { tag: image.slice(colon + 1), digest: false };
}

/** `image-latest-tag`: an image tagged `latest`, or with no tag (which means latest). */
export function imageLatestTag(item: RenderedObject): Finding[] {
  const pod = podSpecOf(item.object);
  if (!pod) return [];
  const findings: Finding[] = [];
  for (const { container, label } of containersOf(pod)) {
    const image = container.image;
    if (typeof image !== "string" || image === "") continue;
    const { tag, digest } = imageTag(image);
    if (digest || (tag !== undefined && tag !== "latest")) continue;
    const why = tag === undefined ? "has no tag (defaults to latest)" : "uses the latest tag";
    findings.push(
      finding("image-latest-tag", item, `${label} image ${image} ${why}; pin a version or a digest`),
    );
  }
  return findings;
}
