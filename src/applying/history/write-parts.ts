import type { KubeClient } from "../../kube/kube-client.js";
import type { KubeObject } from "../../model/kube-object.js";
import { isWriteConflict } from "../lock/kube-error-code.js";
import { SYSTEM_NAMESPACE } from "../lock/system-namespace.js";
import { splitIntoParts } from "./revision-payload.js";
import {
  CHUNK_KEY,
  historyLabels,
  PART_LABEL,
  PART_TYPE,
  partSecretName,
  REVISION_OF_LABEL,
  secretRef,
} from "./revision-secret.js";

/**
 * Stores a revision's gzipped manifests as chunk Secrets `<revision>-part-1..k`, owned by the revision
 * Secret so the garbage collector removes them along with it. On failure, the parts written so far are
 * deleted before the error is rethrown.
 */
export async function writeParts(
  client: KubeClient,
  environment: string,
  n: number,
  owner: KubeObject,
  gzip: Buffer,
): Promise<void> {
  const chunks = splitIntoParts(gzip);
  const written: string[] = [];
  try {
    for (const [i, chunk] of chunks.entries()) {
      const k = i + 1;
      const part: KubeObject = {
        apiVersion: "v1",
        kind: "Secret",
        type: PART_TYPE,
        immutable: true,
        metadata: {
          name: partSecretName(environment, n, k),
          namespace: SYSTEM_NAMESPACE,
          labels: { ...historyLabels(environment), [REVISION_OF_LABEL]: String(n), [PART_LABEL]: String(k) },
          ownerReferences: [
            { apiVersion: "v1", kind: "Secret", name: owner.metadata.name, uid: owner.metadata.uid },
          ],
        },
        data: { [CHUNK_KEY]: chunk.toString("base64") },
      };
      try {
        await client.create(part);
      } catch (err) {
        if (!isWriteConflict(err)) throw err;
        // A leftover of an earlier revision n whose parts outlived it: the number is ours now.
        await client.delete(secretRef(partSecretName(environment, n, k)));
        await client.create(part);
      }
      written.push(partSecretName(environment, n, k));
    }
  } catch (err) {
    for (const name of written) await client.delete(secretRef(name)).catch(() => undefined);
    throw err;
  }
}
