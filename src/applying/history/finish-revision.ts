import type { KubeClient } from "../../kube/kube-client.js";
import { isWriteConflict } from "../lock/kube-error-code.js";
import { getRevisionSecret } from "./read-revision.js";
import type { RevisionResult, RevisionSummary } from "./revision.js";
import { ann, summaryFromSecret } from "./revision-secret.js";

export interface FinishRevisionInput {
  result: Exclude<RevisionResult, "in-progress">;
  /** Why, in a line (`health check failed: Deployment ai/api not ready`); shown by `/history`. */
  message?: string;
}

// Annotations are listed by `/history`: long enough for a reason, short enough for a table.
const MAX_MESSAGE_CHARS = 1000;

/** Records how a revision ended: its result, finished-at now, and an optional message. */
export async function finishRevision(
  client: KubeClient,
  environment: string,
  n: number,
  input: FinishRevisionInput,
): Promise<RevisionSummary> {
  const finishedAt = new Date().toISOString();
  for (let attempt = 1; ; attempt++) {
    const secret = await getRevisionSecret(client, environment, n);
    const annotations = { ...secret.metadata.annotations };
    annotations[ann.result] = input.result;
    annotations[ann.finishedAt] = finishedAt;
    if (input.message !== undefined) annotations[ann.message] = truncate(input.message);
    else delete annotations[ann.message];
    try {
      // Guarded by the resourceVersion just read, so a concurrent finish (a rollback marking this one
      // rolled-back) is re-read and overwritten knowingly rather than lost.
      const updated = await client.replace({ ...secret, metadata: { ...secret.metadata, annotations } });
      return summaryFromSecret(environment, updated);
    } catch (err) {
      if (!isWriteConflict(err) || attempt >= 5) throw err;
    }
  }
}

function truncate(message: string): string {
  const oneLine = message.replace(/\s+/g, " ").trim();
  return oneLine.length <= MAX_MESSAGE_CHARS ? oneLine : `${oneLine.slice(0, MAX_MESSAGE_CHARS - 1)}…`;
}
