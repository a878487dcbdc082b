import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { type ConnectedKubeClient, connectKube } from "../../../src/kube/connect-kube.js";

/** A client for the test control plane started by the Vitest global setup. */
export function connectTestKube(): Promise<ConnectedKubeClient> {
  return connectKube({ kubeconfig: inject("kubeconfigPath") });
}

/** An environment name no other test (nor an earlier run on a reused cluster) uses. */
export function uniqueEnvironment(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString("hex")}`;
}
