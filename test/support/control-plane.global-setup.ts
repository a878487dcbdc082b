import type { TestProject } from "vitest/node";
import { type ControlPlane, startControlPlane } from "../../src/control-plane/start-control-plane.js";

declare module "vitest" {
  export interface ProvidedContext {
    kubeconfigPath: string;
  }
}

let controlPlane: ControlPlane | undefined;

// One control plane for the whole run: each kube-apiserver costs seconds of start-up and hundreds of MB.
export async function setup(project: TestProject): Promise<void> {
  controlPlane = await startControlPlane();
  project.provide("kubeconfigPath", controlPlane.kubeconfigPath);
  // Forked workers inherit the environment, for code that reads a kubeconfig path without inject().
  process.env.ZAKENAK_TEST_KUBECONFIG = controlPlane.kubeconfigPath;
}

export async function teardown(): Promise<void> {
  await controlPlane?.stop();
  controlPlane = undefined;
}
