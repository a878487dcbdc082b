import { ZakenakError } from "../errors.js";
import { ApiDiscovery } from "./api-discovery.js";
import { HttpKubeClient } from "./http-kube-client.js";
import type { KubeClient } from "./kube-client.js";
import { KubeHttp, type KubeHttpOptions } from "./kube-http.js";
import { type LoadKubeconfigOptions, loadKubeconfig } from "./load-kubeconfig.js";
import { openKubeConnection } from "./open-kube-connection.js";

export interface ConnectKubeOptions extends LoadKubeconfigOptions, KubeHttpOptions {}

/** A `KubeClient` that can also drop its pooled connections. */
export interface ConnectedKubeClient extends KubeClient {
  /** Namespace for namespaced objects that name none (the context's, else `default`). */
  readonly defaultNamespace: string;
  /**
   * Starts loading discovery, which opens the connections, without waiting: a caller with work of its own
   * to do first (reading and checking manifests) then finds both ready. A failure here is dropped; the
   * first real request meets it again and reports it.
   */
  warmUp(): void;
  close(): void;
}

/**
 * Connects to the cluster named by the kubeconfig: `kubeconfig`, else `KUBECONFIG`, else the pod's
 * service account, else `~/.kube/config`. Nothing is requested until the first call.
 */
export async function connectKube(opts: ConnectKubeOptions = {}): Promise<ConnectedKubeClient> {
  const loaded = loadKubeconfig(opts);
  let http: KubeHttp;
  try {
    http = await KubeHttp.create(await openKubeConnection(loaded), opts);
  } catch (error) {
    // Unreadable CA or key files, a failing exec credential plugin, plain HTTP without skip-TLS.
    throw new ZakenakError(
      "config-invalid",
      `kubeconfig ${loaded.source}, context "${loaded.contextName}": ${(error as Error).message}`,
      { cause: error },
    );
  }
  return new HttpKubeClient(http, new ApiDiscovery(http), loaded.namespace || "default");
}
