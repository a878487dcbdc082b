import type { Finding } from "../../model/finding.js";
import type { RenderedObject } from "../../model/kube-object.js";
import { finding, isRecord, podSpecOf } from "../objects.js";

/** `host-path-volume`: a pod volume of type hostPath. */
export function hostPathVolume(item: RenderedObject): Finding[] {
  const pod = podSpecOf(item.object);
  if (!pod || !Array.isArray(pod.spec.volumes)) return [];
  const findings: Finding[] = [];
  pod.spec.volumes.forEach((volume, i) => {
    if (!isRecord(volume) || !isRecord(volume.hostPath)) return;
    const name = typeof volume.name === "string" ? volume.name : `#${i}`;
    const hostPath = typeof volume.hostPath.path === "string" ? ` ${volume.hostPath.path}` : "";
    findings.push(
      finding(
        "host-path-volume",
        item,
        `volume "${name}" mounts hostPath${hostPath} from the node (${pod.path}.volumes[${i}].hostPath)`,
      ),
    );
  });
  return findings;
}
