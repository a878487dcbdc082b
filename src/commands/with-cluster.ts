import { connectKube } from "../kube/connect-kube.js";
import type { KubeClient } from "../kube/kube-client.js";
import type { BotContext } from "./bot-context.js";

/**
 * Runs `fn` with a client for the environment's cluster, closed afterwards. `env` must be a trusted
 * environment: its kubeContext comes from the server configuration or the default branch.
 */
export async function withCluster<T>(
  ctx: Pick<BotContext, "kube">,
  env: { kubeContext?: string },
  fn: (client: KubeClient) => Promise<T>,
): Promise<T> {
  const client = await connectKube({
    ...(ctx.kube.kubeconfig ? { kubeconfig: ctx.kube.kubeconfig } : {}),
    ...(env.kubeContext ? { context: env.kubeContext } : {}),
  });
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}
