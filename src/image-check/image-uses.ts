import type { RenderedObject } from "../model/kube-object.js";
import { containersOf, type Json, podSpecOf } from "../validation/objects.js";

/** One container's image in one rendered workload. */
export interface ImageUse {
  item: RenderedObject;
  /** `container "app"`, `init container "migrate"`. */
  label: string;
  image: string;
  pod: Json;
  namespace: string | undefined;
}

/** Every image of every container (init and ephemeral ones included) of every workload, in input order. */
export function imageUses(objects: readonly RenderedObject[]): ImageUse[] {
  const uses: ImageUse[] = [];
  for (const item of objects) {
    const pod = podSpecOf(item.object);
    if (!pod) continue;
    for (const { container, label } of containersOf(pod)) {
      if (typeof container.image !== "string" || container.image === "") continue;
      uses.push({
        item,
        label,
        image: container.image,
        pod: pod.spec,
        namespace: item.object.metadata?.namespace,
      });
    }
  }
  return uses;
}
