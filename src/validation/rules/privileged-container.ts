import type { Finding } from "../../model/finding.js";
import type { RenderedObject } from "../../model/kube-object.js";
import { containersOf, finding, isRecord, podSpecOf } from "../objects.js";

/** `privileged-container`: securityContext.privileged: true on any container, init or ephemeral container. */
export function privilegedContainer(item: RenderedObject): Finding[] {
  const pod = podSpecOf(item.object);
  if (!pod) return [];
  return containersOf(pod)
    .filter(
      ({ container }) => isRecord(container.securityContext) && container.securityContext.privileged === true,
    )
    .map(({ path, label }) =>
      finding(
        "privileged-container",
        item,
        `${label} runs privileged (${path}.securityContext.privileged: true); it gets full access to the node`,
      ),
    );
}
